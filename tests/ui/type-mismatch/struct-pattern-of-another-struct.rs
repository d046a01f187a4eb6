#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[derive(Clone, Copy)]
    pub struct P {
        pub a: i64,
    }
    #[derive(Clone, Copy)]
    pub struct Q {
        pub a: i64,
    }
    #[redis_function]
    pub fn f(a: i64) -> bool {
        let p = P { a };
        matches!(p, Q { a: 1 })
    }
}

fn main() {}
