#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> Option<i64> {
        v.iter().copied().max_by_key(|x| x.to_string())
    }
}

fn main() {}
