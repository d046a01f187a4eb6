//! Pattern 10: sliding-window rate limit over a sorted set, with typed commands.

// ANCHOR: sliding_window
#[redlua::library(name = "windows")]
pub mod windows {
    use redlua::prelude::*;

    /// Allows at most `limit` requests in any `window_ms`: drops the requests older than
    /// the window, counts the rest, records this one (`request_id`, scored by `now_ms`)
    /// when allowed, and lets the set expire after a quiet window.
    #[redis_function]
    pub fn hit(log: Key, limit: i64, window_ms: i64, now_ms: i64, request_id: String) -> bool {
        zrem_range_by_score(&log, "-inf", now_ms - window_ms);
        if zcard(&log) >= limit {
            return false;
        }
        zadd(&log, now_ms as f64, &request_id);
        pexpire(&log, window_ms);
        true
    }
}
// ANCHOR_END: sliding_window
