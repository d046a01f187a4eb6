#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(a: i64, b: i64) -> i64 {
        let (mut x, mut y) = (a, b);
        (x, y) = (y, x);
        x - y
    }
}

fn main() {}
