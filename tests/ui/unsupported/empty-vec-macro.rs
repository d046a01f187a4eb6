#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> Vec<i64> {
        let v: Vec<i64> = vec![];
        v
    }
}

fn main() {}
