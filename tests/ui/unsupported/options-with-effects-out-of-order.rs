use redlua::prelude::*;

#[redis_function]
fn f(scores: Key, log: Key) -> Vec<String> {
    zrange(&scores, 0, 100, ZRangeOptions::new().by_score().count(rpush(&log, "count")).limit(rpush(&log, "limit")))
}

fn main() {}
