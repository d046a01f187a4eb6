use redlua::prelude::*;

#[redis_function]
fn f(a: i64, b: i64) -> i64 {
    std::cmp::max(a, b)
}

fn main() {}
