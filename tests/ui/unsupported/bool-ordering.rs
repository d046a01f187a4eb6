use redlua::prelude::*;

#[redis_function]
fn later(a: bool, b: bool) -> bool {
    a < b
}

fn main() {}
