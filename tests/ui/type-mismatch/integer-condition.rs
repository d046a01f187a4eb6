use redlua::prelude::*;

#[redis_function]
fn any_hits(counter: Key) -> bool {
    let hits = get::<i64>(&counter).unwrap_or(0);
    if hits {
        return true;
    }
    false
}

fn main() {}
