use redlua::prelude::*;

#[redis_function]
fn take(bucket: Key, cost: Option<i64>, capacity: i64) -> i64 {
    incr_by(&bucket, cost.unwrap_or(1) + capacity)
}

fn main() {}
