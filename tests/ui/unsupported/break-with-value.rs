use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    let x = loop {
        break a;
    };
    x
}

fn main() {}
