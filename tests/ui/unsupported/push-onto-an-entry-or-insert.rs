#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    use std::collections::HashMap;
    #[redis_function]
    pub fn f(words: Vec<String>) -> i64 {
        let mut groups: HashMap<String, Vec<String>> = HashMap::new();
        for w in &words {
            groups.entry(w[..1].to_string()).or_insert(Vec::new()).push(w.clone());
        }
        groups.len() as i64
    }
}

fn main() {}
