use redlua::prelude::*;

#[redis_function]
fn draw(pool: Key) -> Option<String> {
    spop(&pool)
}

fn main() {}
