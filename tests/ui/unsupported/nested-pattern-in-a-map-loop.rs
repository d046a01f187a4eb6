#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    use std::collections::HashMap;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut m: HashMap<String, (i64, i64)> = HashMap::new();
        m.insert("a".to_string(), (n, 1));
        let mut t = 0;
        for (_, (a, b)) in &m {
            t += a + b;
        }
        t
    }
}

fn main() {}
