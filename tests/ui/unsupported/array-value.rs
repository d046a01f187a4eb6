use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    let v = [a, 2];
    1
}

fn main() {}
