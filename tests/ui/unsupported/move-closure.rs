use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    let g = move |x: i64| x + a;
    g(1)
}

fn main() {}
