#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    use std::collections::HashMap;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut m: HashMap<String, i64> = HashMap::new();
        m.insert("a".to_string(), n);
        let mut t = 0;
        for e in &m {
            t += e.1;
        }
        t
    }
}

fn main() {}
