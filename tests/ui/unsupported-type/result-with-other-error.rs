use redlua::prelude::*;

#[redis_function]
fn f(k: Key) -> Result<i64, String> {
    Ok(1)
}

fn main() {}
