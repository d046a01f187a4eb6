use redlua::prelude::*;

#[redis_function]
fn bump(n: i64) -> Vec<i64> {
    let mut v = vec![1, 2, 3];
    let mut it = v.iter_mut();
    while let Some(x) = it.next() {
        *x += n;
    }
    v
}

fn main() {}
