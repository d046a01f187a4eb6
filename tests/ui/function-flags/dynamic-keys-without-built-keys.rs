use redlua::prelude::*;

#[redis_function(dynamic_keys)]
fn read(counter: Key) -> i64 {
    get::<i64>(&counter).unwrap_or(0)
}

fn main() {}
