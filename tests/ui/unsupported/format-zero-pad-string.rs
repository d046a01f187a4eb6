use redlua::prelude::*;

#[redis_function]
fn f(s: String) -> String {
    format!("{:05}", s)
}

fn main() {}
