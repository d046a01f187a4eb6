use redlua::prelude::*;

#[redis_function]
fn f(a: String) -> Option<i64> {
    let x = a?;
    Some(1)
}

fn main() {}
