#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[derive(Clone, Copy)]
    pub struct P {
        pub a: i64,
        pub b: i64,
    }
    #[redis_function]
    pub fn f(a: i64) -> i64 {
        let p = P { a, b: 2 };
        match p {
            P { a: 0 } => 1,
            P { b, .. } => b,
        }
    }
}

fn main() {}
