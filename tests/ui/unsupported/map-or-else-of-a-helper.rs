#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    fn zero() -> i64 {
        0
    }

    #[redis_function]
    pub fn f(k: Key) -> i64 {
        get::<i64>(&k).map_or_else(zero, |n| n * 2)
    }
}

fn main() {}
