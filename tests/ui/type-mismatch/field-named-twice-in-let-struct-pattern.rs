#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    pub struct P {
        pub a: i64,
        pub b: i64,
    }
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let p = P { a: n, b: n };
        let P { a, a: x, .. } = p;
        a + x
    }
}

fn main() {}
