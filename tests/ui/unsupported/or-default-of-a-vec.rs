#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    use std::collections::HashMap;
    #[redis_function]
    pub fn f(k: String, n: i64) -> HashMap<String, Vec<i64>> {
        let mut m: HashMap<String, Vec<i64>> = HashMap::new();
        m.entry(k).or_default().push(n);
        m
    }
}

fn main() {}
