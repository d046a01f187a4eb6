use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    for i in 0.. {
        if i > a {
            return i;
        }
    }
    0
}

fn main() {}
