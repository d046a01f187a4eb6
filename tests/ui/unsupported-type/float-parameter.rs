use redlua::prelude::*;

#[redis_function]
fn scale(counter: Key, factor: f64) -> i64 {
    0
}

fn main() {}
