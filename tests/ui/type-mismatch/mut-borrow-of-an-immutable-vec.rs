#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let v = vec![1, 2];
        let x = &mut v[0];
        *x += n;
        v[0]
    }
}

fn main() {}
