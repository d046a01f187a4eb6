use redlua::prelude::*;

#[redis_function]
fn bump(n: i64) -> (i64, i64) {
    let mut a = 1;
    let mut b = 2;
    let mut x = &mut a;
    *x += n;
    x = &mut b;
    *x += n;
    (a, b)
}

fn main() {}
