//! Extending a held lock, ported from `examples/ports/extend_lock.lua`.

// ANCHOR: extend_lock
#[redlua::library(name = "ports_locks")]
pub mod lock {
    use redlua::prelude::*;

    /// Adds `ms` to the remaining time of `lock` (or, unless `replace` is `"0"`, sets it
    /// to `ms`) when `token` holds it and it expires; replies whether it did.
    #[redis_function(nondeterministic)]
    pub fn extend_held(lock: Key, token: String, ms: i64, replace: String) -> bool {
        if get::<String>(&lock) != Some(token) {
            return false;
        }
        let expiration = pttl(&lock);
        if expiration < 0 {
            return false;
        }
        let new_ttl = if replace == "0" { ms + expiration } else { ms };
        pexpire(&lock, new_ttl);
        true
    }
}
// ANCHOR_END: extend_lock
