use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    let g = |x: i64| -> Result<i64, Reject> { Ok(x) };
    1
}

fn main() {}
