use redlua::prelude::*;

#[redis_function]
fn f(n: i64) -> i64 {
    let v = vec![n, 2];
    v.iter().zip(0..2).count() as i64
}

fn main() {}
