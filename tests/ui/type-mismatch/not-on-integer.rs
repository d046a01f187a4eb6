use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    !a
}

fn main() {}
