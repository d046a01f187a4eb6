use redlua::prelude::*;

#[redis_function]
fn café(k: Key) -> i64 {
    1
}

fn main() {}
