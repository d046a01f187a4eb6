//! Pattern 1: capped increment, as an EVAL script.
use redlua::prelude::*;

// ANCHOR: capped_increment
/// Increments `counter` while it is below `max`; returns the new value, or the
/// current value unchanged when the cap is reached. A missing key counts as 0.
#[redis_function]
pub fn capped_increment(counter: Key, max: i64) -> i64 {
    let current = get::<i64>(&counter).unwrap_or(0);
    if current < max {
        incr(&counter)
    } else {
        current
    }
}
// ANCHOR_END: capped_increment
