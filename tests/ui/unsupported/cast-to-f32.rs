use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    let s = a as f32;
    1
}

fn main() {}
