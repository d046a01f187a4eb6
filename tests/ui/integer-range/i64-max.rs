use redlua::prelude::*;

#[redis_function]
fn lowest(scores: Vec<i64>) -> i64 {
    let mut best = i64::MAX;
    for s in scores {
        best = best.min(s);
    }
    best
}

fn main() {}
