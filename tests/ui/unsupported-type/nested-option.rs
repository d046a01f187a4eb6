use redlua::prelude::*;

#[redis_function]
fn maybe(counter: Key) -> Option<Option<i64>> {
    None
}

fn main() {}
