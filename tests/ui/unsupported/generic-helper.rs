#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    fn first<T>(v: Vec<T>) -> Option<T> {
        v.into_iter().next()
    }

    #[redis_function]
    pub fn f(v: Vec<i64>) -> Option<i64> {
        first(v)
    }
}

fn main() {}
