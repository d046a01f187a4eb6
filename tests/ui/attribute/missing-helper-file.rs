#[redlua::library(name = "m", helpers = "src/no_such_file.rs")]
mod m {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key) -> i64 {
        incr(&k)
    }
}

fn main() {}
