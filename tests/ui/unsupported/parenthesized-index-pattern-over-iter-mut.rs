#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> Vec<i64> {
        let mut v = vec![1, 2, 3];
        for ((i), x) in v.iter_mut().enumerate() {
            *x += n;
        }
        v
    }
}

fn main() {}
