//! Helpers shared by the two libraries of `shared_helpers.rs` (`helpers = ".."`).

use redlua::prelude::*;

/// A time to live kept between 1 and `max`.
pub fn clamp_ttl(ttl: i64, max: i64) -> i64 {
    if ttl < 1 {
        1
    } else if ttl > max {
        max
    } else {
        ttl
    }
}

/// Adds `by` to the counter and gives it a clamped time to live; the new value.
pub fn bump(counter: &Key, by: i64, ttl: i64) -> i64 {
    let n = incr_by(counter, by);
    expire(counter, clamp_ttl(ttl, 3600));
    n
}

/// Not called by any library: not emitted.
pub fn unused_label(n: i64) -> String {
    format!("n={n}")
}
