#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> i64 {
        let mut total = 0;
        v.iter().for_each(|x| total + x);
        total
    }
}

fn main() {}
