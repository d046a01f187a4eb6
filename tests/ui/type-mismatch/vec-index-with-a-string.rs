#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(i: String, v: Vec<i64>) -> i64 {
        v[i]
    }
}

fn main() {}
