use redlua::prelude::*;

#[redis_function(read_only, allow_oom)]
fn read(counter: Key) -> i64 {
    get::<i64>(&counter).unwrap_or(0)
}

fn main() {}
