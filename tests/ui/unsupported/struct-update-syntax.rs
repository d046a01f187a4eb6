#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    pub struct P {
        pub a: i64,
        pub b: i64,
    }
    #[redis_function]
    pub fn f(a: i64) -> P {
        let p = P { a, b: 1 };
        P { a: 2, ..p }
    }
}

fn main() {}
