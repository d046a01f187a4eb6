#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let r = std::ops::Range { start: 0, end: n };
        n
    }
}

fn main() {}
