#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    use std::collections::HashMap;
    #[redis_function]
    pub fn f(k: String) -> HashMap<String, i64> {
        let m: HashMap<String, i64> = HashMap::new();
        *m.entry(k).or_insert(0) += 1;
        m
    }
}

fn main() {}
