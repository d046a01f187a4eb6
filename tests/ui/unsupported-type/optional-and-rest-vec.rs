use redlua::prelude::*;

#[redis_function]
fn tag(set: Key, weight: Option<i64>, members: Vec<String>) -> i64 {
    let _ = weight;
    sadd(&set, members)
}

fn main() {}
