#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> i64 {
        v.iter().map(|x| x * 2).collect()
    }
}

fn main() {}
