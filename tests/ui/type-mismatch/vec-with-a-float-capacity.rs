#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: f64) -> Vec<i64> {
        let v: Vec<i64> = Vec::with_capacity(n);
        v
    }
}

fn main() {}
