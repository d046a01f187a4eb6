use redlua::prelude::*;
use std::collections::HashMap;

#[redis_function]
fn f(h: Key, n: i64) -> Value {
    let mut m: HashMap<String, i64> = HashMap::new();
    m.insert("a".to_string(), n);
    call!("HMGET", &h, ..m)
}

fn main() {}
