#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: f64, v: Vec<i64>) -> Vec<i64> {
        v.iter().take(n).copied().collect()
    }
}

fn main() {}
