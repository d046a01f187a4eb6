#[redlua::library(name = "totals")]
mod totals {
    use redlua::prelude::*;

    #[redis_function]
    pub fn total() -> i64 {
        1
    }

    #[redis_function]
    #[allow(non_snake_case)]
    pub fn Total() -> i64 {
        2
    }
}

fn main() {}
