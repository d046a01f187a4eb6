#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(a: Key, b: Key) -> i64 {
        let mut v: Vec<Option<String>> = mget(&[&a, &b]);
        let last = v.pop();
        0
    }
}

fn main() {}
