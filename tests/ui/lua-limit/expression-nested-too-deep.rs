use redlua::prelude::*;

// A sum of 513 terms nests 513 expressions deep: the compiler refuses more than 512.
#[redis_function]
fn long_sum(n: i64) -> i64 {
    n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n + n
        + n + n + n + n + n + n + n + n + n + n + n + n + n
}

fn main() {}
