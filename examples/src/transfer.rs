//! Pattern 2: transfer between two accounts, in a library.

// ANCHOR: bank
#[redlua::library(name = "bank")]
pub mod bank {
    use redlua::prelude::*;

    /// Moves `amount` from `from` to `to` when `from` holds at least `amount` (a
    /// missing account holds 0). Replies true when moved, false when refused.
    #[redis_function]
    pub fn transfer(from: Key, to: Key, amount: i64) -> Result<bool, Reject> {
        if amount <= 0 {
            return Err(reject!("amount must be positive"));
        }
        let balance = get::<i64>(&from).unwrap_or(0);
        if balance < amount {
            return Ok(false);
        }
        decr_by(&from, amount);
        incr_by(&to, amount);
        Ok(true)
    }

    /// The balance of an account (0 when it does not exist).
    #[redis_function(read_only)]
    pub fn balance(account: Key) -> i64 {
        get::<i64>(&account).unwrap_or(0)
    }
}
// ANCHOR_END: bank
