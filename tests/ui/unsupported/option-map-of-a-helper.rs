#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    fn double(n: i64) -> i64 {
        n * 2
    }

    #[redis_function]
    pub fn f(k: Key) -> Option<i64> {
        get::<i64>(&k).map(double)
    }
}

fn main() {}
