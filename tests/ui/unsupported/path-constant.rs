use redlua::prelude::*;

#[redis_function]
fn f(k: Key) -> i64 {
    i64::MAX
}

fn main() {}
