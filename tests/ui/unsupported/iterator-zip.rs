use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    let v = vec![1, 2];
    v.iter().zip(v.iter()).count() as i64
}

fn main() {}
