#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key) -> i64 {
        get::<i64>(&k).unwrap_or_else(|| "zero".to_string())
    }
}

fn main() {}
