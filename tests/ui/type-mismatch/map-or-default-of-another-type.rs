#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key) -> i64 {
        get::<i64>(&k).map_or("none", |n| n * 2)
    }
}

fn main() {}
