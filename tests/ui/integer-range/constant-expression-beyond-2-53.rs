#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let big = 9007199254740991 + 1;
        big - n
    }
}

fn main() {}
