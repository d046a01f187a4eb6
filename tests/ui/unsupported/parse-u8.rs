use redlua::prelude::*;

#[redis_function]
fn f(s: String) -> bool {
    s.parse::<u8>().is_ok()
}

fn main() {}
