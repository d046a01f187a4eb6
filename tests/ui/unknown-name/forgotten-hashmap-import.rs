#[redlua::library(name = "shop")]
mod shop {
    use redlua::prelude::*;
    use std::collections::HashMap;

    #[redis_function(read_only)]
    pub fn distinct(items: Vec<String>) -> i64 {
        let mut seen: HashMap<String, i64> = HashMap::new();
        for it in &items {
            seen.insert(it.clone(), 1);
        }
        seen.len() as i64
    }
}

#[redlua::library(name = "cart")]
mod cart {
    use redlua::prelude::*;

    #[redis_function(read_only)]
    pub fn count(items: Vec<String>) -> i64 {
        let mut seen: HashMap<String, i64> = HashMap::new();
        for it in &items {
            seen.insert(it.clone(), 1);
        }
        seen.len() as i64
    }
}

fn main() {}
