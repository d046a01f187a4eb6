use redlua::prelude::*;

#[redis_function]
fn f(n: i64) -> String {
    format!("{:.2}", n)
}

fn main() {}
