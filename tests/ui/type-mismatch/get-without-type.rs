use redlua::prelude::*;

#[redis_function]
fn read(counter: Key) -> i64 {
    get(&counter).unwrap_or(0)
}

fn main() {}
