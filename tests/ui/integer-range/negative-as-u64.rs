use redlua::prelude::*;

#[redis_function]
fn f(n: i64) -> i64 {
    let mask = (-1i64) as u64;
    (n as u64 & mask) as i64
}

fn main() {}
