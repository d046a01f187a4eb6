use redlua::prelude::*;

#[redis_function]
fn f(k: Key) -> Value {
    call!("HSET", &k, "field")
}

fn main() {}
