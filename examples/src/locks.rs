//! Patterns 3 and 4: acquire and release a lock, in a library.

// ANCHOR: locks
#[redlua::library(name = "locks")]
pub mod locks {
    use redlua::prelude::*;

    /// Takes `lock` for `holder` for `ttl_secs` seconds when nobody holds it.
    #[redis_function]
    pub fn acquire(lock: Key, holder: String, ttl_secs: i64) -> bool {
        set_with(&lock, &holder, SetOptions::new().nx().ex(ttl_secs))
    }

    /// Pattern 9: extends the lock to `ttl_ms` only when `holder` holds it.
    #[redis_function]
    pub fn extend(lock: Key, holder: String, ttl_ms: i64) -> bool {
        get::<String>(&lock) == Some(holder) && pexpire(&lock, ttl_ms)
    }

    /// Deletes `lock` only when `holder` holds it: nobody else's lock is released.
    #[redis_function]
    pub fn release(lock: Key, holder: String) -> bool {
        if get::<String>(&lock) == Some(holder) {
            del(&lock) == 1
        } else {
            false
        }
    }
}
// ANCHOR_END: locks
