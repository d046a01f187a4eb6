use redlua::prelude::*;

#[redis_function]
fn bump(counter: Key) -> i64 {
    incr_by(&counter)
}

fn main() {}
