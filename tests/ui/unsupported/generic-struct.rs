#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    pub struct Pair<T> {
        pub a: T,
        pub b: T,
    }
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let p = Pair { a: n, b: n };
        p.a
    }
}

fn main() {}
