use redlua::prelude::*;

#[redis_function]
fn f(a: Key, b: Key, side: String) -> Option<String> {
    lmove(&a, &b, side, "LEFT")
}

fn main() {}
