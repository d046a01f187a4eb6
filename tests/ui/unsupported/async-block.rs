#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let later = async { n + 1 };
        n
    }
}

fn main() {}
