use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    'b: {
        1
    }
}

fn main() {}
