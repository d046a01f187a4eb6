//! Pattern 8: an atomic transfer and a get-with-default in one library, `banking`.

// ANCHOR: banking
#[redlua::library(name = "banking", separate_server)] // `bank` and `kv` also have `transfer`, `get_or`
pub mod banking {
    use redlua::prelude::*;

    /// Moves `amount` from `from` to `to` and replies the new balance of `from`.
    /// Refuses a non-positive amount and an overdraft with an error reply.
    #[redis_function]
    pub fn transfer(from: Key, to: Key, amount: i64) -> Result<i64, Reject> {
        if amount <= 0 {
            return Err(reject!("amount must be positive"));
        }
        let balance = get::<i64>(&from).unwrap_or(0);
        if balance < amount {
            return Err(reject!("insufficient funds"));
        }
        let left = decr_by(&from, amount);
        incr_by(&to, amount);
        Ok(left)
    }

    /// The value of `key`, or `default` when it does not exist (read-only: FCALL_RO).
    #[redis_function(read_only)]
    pub fn get_or(key: Key, default: String) -> String {
        get::<String>(&key).unwrap_or(default)
    }
}
// ANCHOR_END: banking
