#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let add = |(a, b): (i64, i64)| a + b;
        add((n, 1))
    }
}

fn main() {}
