#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> Vec<i64> {
        vec![1, 2; 3]
    }
}

fn main() {}
