#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let step = 2;
        step(n)
    }
}

fn main() {}
