use redlua::prelude::*;

const LIMIT: i64 = 10;

#[redis_function]
fn below_limit(counter: Key) -> bool {
    get::<i64>(&counter).unwrap_or(0) < LIMIT
}

fn main() {}
