#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64, i: String) -> i64 {
        let mut v = vec![1, 2];
        let x = &mut v[i];
        *x += n;
        v[0]
    }
}

fn main() {}
