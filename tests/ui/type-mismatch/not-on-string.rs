use redlua::prelude::*;

#[redis_function]
fn f(a: String) -> String {
    !a
}

fn main() {}
