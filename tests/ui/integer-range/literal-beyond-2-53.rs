use redlua::prelude::*;

#[redis_function]
fn big(counter: Key) -> i64 {
    incr_by(&counter, 9007199254740993)
}

fn main() {}
