use redlua::prelude::*;

#[redis_function]
fn f(log: Key, v: Vec<i64>) -> i64 {
    let w = vec![1, 2];
    v.into_iter().map(|x| rpush(&log, x.to_string())).zip(w).count() as i64
}

fn main() {}
