use redlua::prelude::*;

#[redis_function]
fn first_digit(raw: String) -> i64 {
    let n = raw.parse::<i64>().ok()?;
    n % 10
}

fn main() {}
