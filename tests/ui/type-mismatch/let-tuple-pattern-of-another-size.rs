#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let (a, b, c) = (n, n + 1);
        a
    }
}

fn main() {}
