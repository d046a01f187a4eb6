use redlua::prelude::*;

#[redis_function]
fn f(a: i64, b: i64) -> i64 {
    std::process::id() as i64 + a + b
}

fn main() {}
