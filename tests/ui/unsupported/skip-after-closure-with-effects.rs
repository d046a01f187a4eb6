use redlua::prelude::*;

#[redis_function]
fn f(log: Key, v: Vec<i64>) -> Vec<i64> {
    v.iter().map(|x| rpush(&log, x.to_string())).skip(1).collect()
}

fn main() {}
