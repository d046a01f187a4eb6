#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[derive(Clone, Copy)]
    pub struct P {
        pub a: i64,
    }
    #[redis_function]
    pub fn f(v: Vec<i64>) -> i64 {
        let mut t = 0;
        for P { a } in v {
            t += a;
        }
        t
    }
}

fn main() {}
