use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> Result<i64, Reject> {
    Err(reject!(a))
}

fn main() {}
