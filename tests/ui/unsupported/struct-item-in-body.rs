use redlua::prelude::*;

#[redis_function]
fn f(k: Key) -> i64 {
    struct Local;
    1
}

fn main() {}
