#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> Vec<i64> {
        v.iter().filter_map(|x| *x + 1).collect()
    }
}

fn main() {}
