use redlua::prelude::*;

#[redis_function]
fn f(a: i64, b: i64) -> i64 {
    match a {
        0..=b => 1,
        _ => 0,
    }
}

fn main() {}
