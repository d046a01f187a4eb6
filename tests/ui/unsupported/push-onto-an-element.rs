use redlua::prelude::*;

#[redis_function]
fn rows(n: i64) -> Vec<Vec<i64>> {
    let mut rows = vec![vec![1], vec![2]];
    rows[0].push(n);
    rows
}

fn main() {}
