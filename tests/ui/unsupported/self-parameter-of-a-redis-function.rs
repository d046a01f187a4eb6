#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(self) -> i64 {
        1
    }
}

fn main() {}
