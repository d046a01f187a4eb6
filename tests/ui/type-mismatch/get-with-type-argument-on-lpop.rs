use redlua::prelude::*;

#[redis_function]
fn f(k: Key) -> Option<String> {
    lpop::<String>(&k)
}

fn main() {}
