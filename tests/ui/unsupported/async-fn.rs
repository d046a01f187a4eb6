use redlua::prelude::*;

#[redis_function]
async fn f(k: Key) -> i64 {
    1
}

fn main() {}
