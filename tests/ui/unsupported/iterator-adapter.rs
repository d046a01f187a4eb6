use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    let v = vec![1, 2, a];
    v.iter().step_by(2).count() as i64
}

fn main() {}
