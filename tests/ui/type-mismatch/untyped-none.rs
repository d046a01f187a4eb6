use redlua::prelude::*;

#[redis_function]
fn f(k: Key) -> bool {
    let x = None;
    true
}

fn main() {}
