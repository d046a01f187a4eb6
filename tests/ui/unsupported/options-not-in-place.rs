use redlua::prelude::*;

#[redis_function]
fn f(k: Key, o: String) -> bool {
    set_with(&k, 1, o)
}

fn main() {}
