#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut t = 0;
        while n {
            t += 1;
        }
        t
    }
}

fn main() {}
