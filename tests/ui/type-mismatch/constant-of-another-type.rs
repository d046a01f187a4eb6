#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    const LIMIT: i64 = 2.5;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        n + LIMIT
    }
}

fn main() {}
