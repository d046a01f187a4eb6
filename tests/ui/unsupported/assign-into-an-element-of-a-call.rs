#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    fn counts(n: i64) -> Vec<i64> {
        vec![n, n]
    }

    #[redis_function]
    pub fn f(n: i64) -> i64 {
        counts(n)[0] += 1;
        n
    }
}

fn main() {}
