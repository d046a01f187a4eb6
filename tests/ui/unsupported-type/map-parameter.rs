use redlua::prelude::*;

#[redis_function]
fn scale(counter: Key, factors: std::collections::HashMap<String, i64>) -> i64 {
    0
}

fn main() {}
