use redlua::prelude::*;

#[redis_function]
fn f(k: Key, n: i64) -> i64 {
    let mut x = n;
    let y = &mut x;
    1
}

fn main() {}
