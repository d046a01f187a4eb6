use redlua::prelude::*;

#[redis_function]
fn bump(a: Key, b: Key) -> i64 {
    let mut v: Vec<Option<String>> = mget(&[&a, &b]);
    v[0] = Some("x".to_string());
    0
}

fn main() {}
