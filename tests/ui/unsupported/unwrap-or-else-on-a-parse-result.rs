#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(s: String) -> i64 {
        s.parse::<i64>().unwrap_or_else(|_| 0)
    }
}

fn main() {}
