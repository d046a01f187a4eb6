use redlua::prelude::*;

#[redis_function]
fn copy_name(source: Key, target: Key) {
    set(&target, &source);
}

fn main() {}
