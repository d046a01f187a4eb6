//! Pattern 6: token bucket, written only with typed commands.

// ANCHOR: token_bucket
#[redlua::library(name = "buckets")]
pub mod buckets {
    use redlua::prelude::*;

    /// Takes `requested` tokens from a bucket of `capacity` refilled at `refill_per_sec`
    /// tokens per second; `now_ms` is the caller's clock (so the function stays
    /// deterministic). Replies whether the tokens were taken and how many are left,
    /// rounded down.
    #[redis_function]
    pub fn take(bucket: Key, capacity: i64, refill_per_sec: f64, now_ms: i64, requested: i64) -> (bool, i64) {
        let capacity = capacity as f64;
        let tokens = hget::<f64>(&bucket, "tokens").unwrap_or(capacity);
        let last = hget::<i64>(&bucket, "ts").unwrap_or(now_ms);
        let elapsed = (now_ms - last).max(0) as f64;
        let mut available = (tokens + elapsed / 1000.0 * refill_per_sec).min(capacity);
        let allowed = available >= requested as f64;
        if allowed {
            available -= requested as f64;
        }
        hset_many(&bucket, &[("tokens", available.to_string()), ("ts", now_ms.to_string())]);
        pexpire(&bucket, (capacity / refill_per_sec * 1000.0).ceil() as i64);
        (allowed, available.floor() as i64)
    }
}
// ANCHOR_END: token_bucket
