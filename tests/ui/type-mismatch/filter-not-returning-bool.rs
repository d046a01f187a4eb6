#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> Vec<i64> {
        v.iter().filter(|x| **x % 2).copied().collect()
    }
}

fn main() {}
