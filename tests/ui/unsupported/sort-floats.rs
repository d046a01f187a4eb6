use redlua::prelude::*;

#[redis_function]
fn f(n: f64) -> i64 {
    let mut v = vec![n, 1.5];
    v.sort();
    v.len() as i64
}

fn main() {}
