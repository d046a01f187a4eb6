#[redlua::library(name = "my-library")]
mod lib {
    use redlua::prelude::*;

    #[redis_function]
    pub fn one(k: Key) -> i64 {
        1
    }
}

fn main() {}
