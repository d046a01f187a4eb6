use redlua::prelude::*;
use std::collections::HashMap;

#[redis_function]
fn show(name: String) -> String {
    let mut counts: HashMap<String, i64> = HashMap::new();
    counts.insert(name, 1);
    format!("counts={:?}", counts)
}

fn main() {}
