#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let t = (n, n + 1);
        t.2
    }
}

fn main() {}
