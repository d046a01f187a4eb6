#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64, i: String) -> Vec<i64> {
        let mut v = vec![0, 0];
        v[i] = n;
        v
    }
}

fn main() {}
