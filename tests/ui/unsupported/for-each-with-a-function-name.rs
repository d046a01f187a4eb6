#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    fn check(_x: &i64) {}
    #[redis_function]
    pub fn f(v: Vec<i64>) -> i64 {
        v.iter().for_each(check);
        0
    }
}

fn main() {}
