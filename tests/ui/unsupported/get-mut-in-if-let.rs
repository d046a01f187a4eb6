use redlua::prelude::*;
use std::collections::HashMap;

#[redis_function]
fn tally(k: String) -> i64 {
    let mut m: HashMap<String, i64> = HashMap::new();
    m.insert(k.clone(), 1);
    if let Some(x) = m.get_mut(&k) {
        *x += 1;
    }
    m[&k]
}

fn main() {}
