#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(a: Vec<i64>) -> Vec<i64> {
        let b = a.clone();
        a.iter().enumerate().zip(b.iter()).map(|((i, x), y)| x + y).collect()
    }
}

fn main() {}
