use redlua::prelude::*;

#[redis_function]
fn f(a: i64, b: i64) -> String {
    format!("{}", a, b)
}

fn main() {}
