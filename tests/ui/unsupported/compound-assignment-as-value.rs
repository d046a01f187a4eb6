use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    let mut x = a;
    let y = { x += 1 };
    x
}

fn main() {}
