use redlua::prelude::*;

#[redis_function]
fn f((a, b): (i64, i64)) -> i64 {
    a
}

fn main() {}
