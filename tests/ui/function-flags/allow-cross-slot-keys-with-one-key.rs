use redlua::prelude::*;

#[redis_function(allow_cross_slot_keys)]
fn bump(counter: Key) -> i64 {
    incr(&counter)
}

fn main() {}
