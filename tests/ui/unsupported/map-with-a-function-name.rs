#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    fn double(x: &i64) -> i64 {
        x * 2
    }
    #[redis_function]
    pub fn f(v: Vec<i64>) -> Vec<i64> {
        v.iter().map(double).collect()
    }
}

fn main() {}
