//! Pattern 7: get with a default, as a read-only library function (FCALL_RO).

// ANCHOR: kv
#[redlua::library(name = "kv")]
pub mod kv {
    use redlua::prelude::*;

    /// The value of `key`, or `default` when the key does not exist.
    #[redis_function(read_only)]
    pub fn get_or(key: Key, default: String) -> String {
        get::<String>(&key).unwrap_or(default)
    }
}
// ANCHOR_END: kv
