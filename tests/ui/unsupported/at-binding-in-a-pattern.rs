#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        match n {
            small @ 1..=5 => small,
            _ => 0,
        }
    }
}

fn main() {}
