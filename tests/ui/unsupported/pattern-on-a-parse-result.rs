#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(s: String) -> i64 {
        match s.parse::<i64>() {
            Ok(n) => n,
            Some(_) => 1,
            _ => 0,
        }
    }
}

fn main() {}
