use redlua::prelude::*;
use std::collections::HashMap;

#[redis_function]
fn tally(k: String) -> i64 {
    let mut m: HashMap<String, i64> = HashMap::new();
    m.insert(k.clone(), 1);
    m[&k] = 2;
    m[&k]
}

fn main() {}
