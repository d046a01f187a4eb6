#[redlua::library(name = "parity")]
mod parity {
    use redlua::prelude::*;

    fn even(key: &Key, n: i64) -> i64 {
        if n == 0 { 0 } else { odd(key, n - 1) }
    }

    fn odd(key: &Key, n: i64) -> i64 {
        if n == 0 { incr(key) } else { even(key, n - 1) }
    }

    #[redis_function(read_only)]
    pub fn check(key: Key, n: i64) -> i64 {
        even(&key, n)
    }
}

fn main() {}
