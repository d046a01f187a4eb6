#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let double = async |x: i64| x * 2;
        n
    }
}

fn main() {}
