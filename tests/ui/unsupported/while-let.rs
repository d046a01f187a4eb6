use redlua::prelude::*;

#[redis_function]
fn drain(counter: Key) -> i64 {
    let mut n = get::<i64>(&counter);
    while let Some(x) = n {
        n = None;
    }
    0
}

fn main() {}
