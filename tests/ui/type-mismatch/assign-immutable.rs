use redlua::prelude::*;

#[redis_function]
fn bump(counter: Key) -> i64 {
    let n = get::<i64>(&counter).unwrap_or(0);
    n = n + 1;
    n
}

fn main() {}
