#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key) -> i64 {
        let Some(n): Option<i64> = get::<i64>(&k) else {
            return 0;
        };
        n
    }
}

fn main() {}
