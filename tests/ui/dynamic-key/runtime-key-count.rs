use redlua::prelude::*;

#[redis_function]
fn union_count(first: Key, n: i64) -> i64 {
    call!("SINTERCARD", n, &first).as_int().unwrap_or(0)
}

fn main() {}
