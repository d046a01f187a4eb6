use redlua::prelude::*;

#[redis_function]
fn f(k: Key) -> bool {
    set_with(&k, 1, SetOptions::new().nx().xx())
}

fn main() {}
