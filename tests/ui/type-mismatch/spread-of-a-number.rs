use redlua::prelude::*;

// `..` spreads the elements of a Vec: a number has none.
#[redis_function]
fn f(h: Key, n: i64) -> Value {
    call!("HMGET", &h, ..n)
}

fn main() {}
