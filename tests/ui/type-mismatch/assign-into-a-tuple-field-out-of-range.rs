#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut v = vec![(n, n)];
        v[0].2 = 1;
        v[0].0
    }
}

fn main() {}
