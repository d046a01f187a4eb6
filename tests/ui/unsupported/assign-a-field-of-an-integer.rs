#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut total = 0;
        total.count = n;
        total
    }
}

fn main() {}
