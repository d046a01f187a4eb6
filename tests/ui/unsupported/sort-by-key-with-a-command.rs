use redlua::prelude::*;

#[redis_function]
fn order(scores: Key, mut names: Vec<String>) -> Vec<String> {
    // Rust calls the key function once or twice per comparison: the number of ZSCOREs
    // sent would depend on its sorting algorithm.
    names.sort_by_key(|n| zscore(&scores, n).unwrap_or(0.0) as i64);
    names
}

fn main() {}
