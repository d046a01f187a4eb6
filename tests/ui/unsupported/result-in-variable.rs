use redlua::prelude::*;

#[redis_function]
fn checked(amount: i64) -> Result<i64, Reject> {
    let r = Ok(amount);
    r
}

fn main() {}
