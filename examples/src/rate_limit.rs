//! Pattern 5: fixed-window rate limit, as an EVAL script.
use redlua::prelude::*;

// ANCHOR: fixed_window
/// Allows at most `limit` hits per window of `window_secs` seconds. The window
/// starts with the first hit, which sets the counter's expiry.
#[redis_function]
pub fn fixed_window(counter: Key, limit: i64, window_secs: i64) -> bool {
    let hits = get::<i64>(&counter).unwrap_or(0);
    if hits >= limit {
        return false;
    }
    if incr(&counter) == 1 {
        expire(&counter, window_secs);
    }
    true
}
// ANCHOR_END: fixed_window
