use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> bool {
    let x = Some(Some(a));
    true
}

fn main() {}
