use redlua::prelude::*;

#[redis_function]
fn f(k: Key) -> i64 {
    let x: i64;
    x = 1;
    x
}

fn main() {}
