#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: f64) -> Vec<i64> {
        vec![0; n]
    }
}

fn main() {}
