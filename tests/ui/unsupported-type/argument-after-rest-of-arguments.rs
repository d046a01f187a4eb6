use redlua::prelude::*;

#[redis_function]
fn f(k: Key, xs: Vec<i64>, limit: i64) -> i64 {
    xs.len() as i64 + limit
}

fn main() {}
