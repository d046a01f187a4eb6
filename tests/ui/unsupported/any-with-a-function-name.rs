#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    fn big(x: &i64) -> bool {
        *x > 100
    }
    #[redis_function]
    pub fn f(v: Vec<i64>) -> bool {
        v.iter().any(big)
    }
}

fn main() {}
