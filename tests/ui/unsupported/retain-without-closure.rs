use redlua::prelude::*;

#[redis_function]
fn f(n: i64) -> i64 {
    let mut v = vec![n, -1];
    v.retain(i64::is_positive);
    v.len() as i64
}

fn main() {}
