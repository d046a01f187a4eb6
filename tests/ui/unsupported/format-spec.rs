use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> String {
    format!("{:>5}", a)
}

fn main() {}
