#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(x: f64, n: i64) -> f64 {
        x + n
    }
}

fn main() {}
