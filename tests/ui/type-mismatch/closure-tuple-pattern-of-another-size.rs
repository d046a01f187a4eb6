#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(a: Vec<i64>) -> Vec<i64> {
        let b = a.clone();
        a.iter().zip(b.iter()).map(|(x, y, z)| x + y).collect()
    }
}

fn main() {}
