use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    let mut s = 0;
    for i in (0..a).step_by(0) {
        s += i;
    }
    s
}

fn main() {}
