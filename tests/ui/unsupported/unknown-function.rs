use redlua::prelude::*;

fn helper(n: i64) -> i64 {
    n * 2
}

#[redis_function]
fn doubled(counter: Key) -> i64 {
    helper(get::<i64>(&counter).unwrap_or(0))
}

fn main() {}
