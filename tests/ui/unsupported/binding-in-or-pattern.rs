use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    match Some(a) {
        Some(x) | Some(x) => x,
        None => 0,
    }
}

fn main() {}
