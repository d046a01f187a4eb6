use redlua::prelude::*;

#[redis_function]
fn f(s: String) -> i64 {
    s.splitn(2, "").count() as i64
}

fn main() {}
