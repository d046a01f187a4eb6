#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: f64) -> i64 {
        let mut t = 0;
        for i in 0..n {
            t += i;
        }
        t
    }
}

fn main() {}
