#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> Vec<i64> {
        let v = vec![0, 0];
        v[0] = n;
        v
    }
}

fn main() {}
