#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> usize {
        v.chunks(0).count()
    }
}

fn main() {}
