#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    pub struct P {
        pub count: i64,
    }
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let p = P { count: n };
        let P { cnt, .. } = p;
        cnt
    }
}

fn main() {}
