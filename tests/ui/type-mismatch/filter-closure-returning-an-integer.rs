#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key) -> Option<i64> {
        get::<i64>(&k).filter(|n| n + 1)
    }
}

fn main() {}
