use redlua::prelude::*;

#[redis_function]
fn f(a: f64, b: i64) -> i64 {
    a as i64 & b + (a & 1.0) as i64
}

fn main() {}
