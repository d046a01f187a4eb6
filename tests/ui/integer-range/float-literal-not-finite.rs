#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(x: f64) -> f64 {
        x * 1e400
    }
}

fn main() {}
