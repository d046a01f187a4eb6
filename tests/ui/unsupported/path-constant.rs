use redlua::prelude::*;

#[redis_function]
fn f(k: Key) -> f64 {
    f64::EPSILON
}

fn main() {}
