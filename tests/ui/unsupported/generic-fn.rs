use redlua::prelude::*;

#[redis_function]
fn f<T>(k: Key) -> i64 {
    1
}

fn main() {}
