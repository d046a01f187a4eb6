use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    if a > 0 {
        break;
    }
    a
}

fn main() {}
