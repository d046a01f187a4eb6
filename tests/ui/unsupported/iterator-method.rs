use redlua::prelude::*;

#[redis_function]
fn newest(v: Vec<i64>) -> Option<i64> {
    v.iter().map(|x| x * 2).last()
}

fn main() {}
