use redlua::prelude::*;

#[redis_function]
fn read(counter: Key) -> i64 {
    let Some(n) = get::<i64>(&counter) else {
        0;
    };
    n
}

fn main() {}
