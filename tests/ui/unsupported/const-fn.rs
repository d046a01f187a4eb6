use redlua::prelude::*;

#[redis_function]
const fn f(k: Key) -> i64 {
    1
}

fn main() {}
