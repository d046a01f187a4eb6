#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> Vec<i64> {
        v.iter().map(|a, b| a + b).collect()
    }
}

fn main() {}
