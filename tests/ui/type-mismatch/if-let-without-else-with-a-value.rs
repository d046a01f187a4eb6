#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: Option<i64>) -> i64 {
        let x = if let Some(v) = n { v };
        x
    }
}

fn main() {}
