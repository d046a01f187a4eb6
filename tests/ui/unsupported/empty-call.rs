#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key) -> i64 {
        call!();
        1
    }
}

fn main() {}
