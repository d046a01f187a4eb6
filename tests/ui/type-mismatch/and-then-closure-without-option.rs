#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key) -> Option<i64> {
        get::<i64>(&k).and_then(|n| n * 2)
    }
}

fn main() {}
