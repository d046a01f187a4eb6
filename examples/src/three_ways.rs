//! One transfer written the three ways Redis offers: a MULTI/EXEC transaction, an
//! optimistic WATCH + MULTI/EXEC loop, and a redis function. The book's "Why functions"
//! chapter compares them; `tests/integration/book_examples.rs` runs all three.

use crate::transfer::bank;

// ANCHOR: multi_exec
/// MULTI/EXEC: both writes run, together, or neither does. But nothing inside the
/// transaction can look at the balance, so this moves the money even when `from` does
/// not have it. Replies the two new balances.
pub fn transfer_multi_exec(con: &mut redis::Connection, from: &str, to: &str, amount: i64) -> redis::RedisResult<(i64, i64)> {
    redis::pipe().atomic().decr(from, amount).incr(to, amount).query(con)
}
// ANCHOR_END: multi_exec

// ANCHOR: watch
/// WATCH + MULTI/EXEC: read the balance, decide on the client, and let `EXEC` refuse the
/// transaction when `from` changed in between; then read again and retry. Replies whether
/// the money moved and how many attempts it took.
pub fn transfer_watch(con: &mut impl redis::ConnectionLike, from: &str, to: &str, amount: i64) -> redis::RedisResult<(bool, u32)> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        redis::cmd("WATCH").arg(from).exec(con)?;
        let balance: Option<i64> = redis::cmd("GET").arg(from).query(con)?;
        if balance.unwrap_or(0) < amount {
            redis::cmd("UNWATCH").exec(con)?;
            return Ok((false, attempts));
        }
        // EXEC replies nil when a watched key changed after WATCH: nothing ran.
        let done: Option<(i64, i64)> = redis::pipe().atomic().decr(from, amount).incr(to, amount).query(con)?;
        if done.is_some() {
            return Ok((true, attempts));
        }
    }
}
// ANCHOR_END: watch

// ANCHOR: function
/// A redis function: the check and both writes run inside the server, in one round trip,
/// and no other command runs in between. Nothing to retry.
pub fn transfer_function(con: &mut redis::Connection, from: &str, to: &str, amount: i64) -> Result<bool, redlua::Error> {
    bank::transfer(from, to, amount).call(con)
}
// ANCHOR_END: function
