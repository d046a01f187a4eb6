use redlua::prelude::*;

#[redis_function]
fn f(k: Key) -> u32 {
    f64::MANTISSA_DIGITS
}

fn main() {}
