use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    let v = vec![1];
    v.push(a);
    1
}

fn main() {}
