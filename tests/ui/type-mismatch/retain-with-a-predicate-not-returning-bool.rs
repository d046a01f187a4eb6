#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> Vec<i64> {
        let mut v = v;
        v.retain(|x| *x + 1);
        v
    }
}

fn main() {}
