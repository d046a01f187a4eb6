use redlua::prelude::*;

#[redis_function]
fn shout(s: String) -> String {
    s.to_uppercase()
}

fn main() {}
