use redlua::prelude::*;

#[redis_function]
fn drain(counter: Key) -> i64 {
    let mut n = 0;
    while n < 10 {
        n += 1;
    }
    n
}

fn main() {}
