#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> bool {
        v.iter().any(|x| *x - 100)
    }
}

fn main() {}
