use redlua::prelude::*;

#[redis_function(allow_stale)]
fn bump(counter: Key) -> i64 {
    incr(&counter)
}

fn main() {}
