#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    pub struct P {
        pub a: i64,
    }
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let p = P { a: n };
        let P { 0: x } = p;
        x
    }
}

fn main() {}
