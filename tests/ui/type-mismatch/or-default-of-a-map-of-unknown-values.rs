#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(k: String) -> i64 {
        let mut counts = HashMap::new();
        *counts.entry(k).or_default() += 1;
        0
    }
}

fn main() {}
