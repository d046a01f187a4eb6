#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    use std::collections::HashMap;
    #[redis_function]
    pub fn f(n: i64) -> HashMap<String, i64> {
        let mut m: HashMap<String, i64> = HashMap::new();
        m.insert(n, 1);
        m
    }
}

fn main() {}
