use redlua::prelude::*;

#[redis_function]
fn take(tokens: Key, n: i64) -> Result<i64, Reject> {
    if n < 0 {
        return Err(reject!(code = "no funds", "negative"));
    }
    Ok(decr_by(&tokens, n))
}

fn main() {}
