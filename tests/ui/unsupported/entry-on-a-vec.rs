#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(k: String) -> i64 {
        let mut v: Vec<i64> = Vec::new();
        *v.entry(k).or_insert(0) += 1;
        0
    }
}

fn main() {}
