use redlua::prelude::*;

#[redis_function]
fn f(k: Key) -> i64 {
    let [a, b] = [1, 2];
    a + b
}

fn main() {}
