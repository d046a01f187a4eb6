use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    let g = |x| x + 1;
    g(a)
}

fn main() {}
