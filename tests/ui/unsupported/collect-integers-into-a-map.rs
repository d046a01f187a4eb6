#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    use std::collections::HashMap;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> HashMap<String, i64> {
        v.iter().copied().collect()
    }
}

fn main() {}
