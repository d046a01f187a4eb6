use redlua::prelude::*;

#[redis_function]
fn touch(key: Key) -> i64 {
    fn clock() -> i64 {
        time().0
    }
    fn seconds() -> i64 {
        clock()
    }
    fn stamp() -> i64 {
        seconds() + 0
    }
    let now = stamp();
    set(&key, now);
    now
}

fn main() {}
