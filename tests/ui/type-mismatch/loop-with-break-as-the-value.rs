#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut i = 0;
        loop {
            i += 1;
            if i > n {
                break;
            }
        }
    }
}

fn main() {}
