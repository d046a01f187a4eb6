use redlua::prelude::*;

fn make(n: i64) -> Vec<i64> {
    vec![n]
}

#[redis_function]
fn f(n: i64) -> i64 {
    let v = &mut make(n);
    v.push(1);
    v.len() as i64
}

fn main() {}
