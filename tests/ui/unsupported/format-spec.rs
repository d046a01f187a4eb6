use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> String {
    format!("{:#x}", a)
}

fn main() {}
