#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let g = |x: i64| -> i64 { x.to_string() };
        g(n)
    }
}

fn main() {}
