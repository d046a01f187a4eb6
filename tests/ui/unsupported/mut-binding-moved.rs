use redlua::prelude::*;

#[redis_function]
fn bump(n: i64) -> Vec<i64> {
    let mut v = vec![1, 2, 3];
    for x in v.iter_mut() {
        let y = x;
        *y += n;
    }
    v
}

fn main() {}
