use redlua::prelude::*;

#[redis_function]
fn newer(current: Key, candidate: String, fallback: String) -> bool {
    get::<String>(&current).unwrap_or(fallback) < candidate
}

fn main() {}
