use redlua::prelude::*;

#[redis_function]
fn bump(hash: Key) -> i64 {
    call!("HINCRBYY", &hash, "f", 1).as_int().unwrap_or(0)
}

fn main() {}
