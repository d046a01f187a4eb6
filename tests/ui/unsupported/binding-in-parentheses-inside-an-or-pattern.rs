#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(b: i64, a: Option<i64>) -> i64 {
        match (a, b) {
            (Some((x)), 0) | (None, (x)) => x,
            _ => 0,
        }
    }
}

fn main() {}
