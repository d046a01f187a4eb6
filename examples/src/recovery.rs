//! What an application does with each `redlua::Error`: the book's "Errors and recovery"
//! chapter. `tests/integration/book_examples.rs` provokes the errors on a real server.

use crate::transfer::bank;
use std::time::Duration;

// ANCHOR: handle
/// Runs one transfer and says what happened, the way an application decides what to do
/// with each error.
pub fn transfer_and_explain(con: &mut redis::Connection, from: &str, to: &str, amount: i64) -> String {
    match bank::transfer(from, to, amount).call(con) {
        Ok(true) => "moved".to_string(),
        Ok(false) => "not moved: insufficient funds".to_string(),
        // The function's own `reject!`: a business answer. Show it; sending it again
        // would be refused again.
        Err(redlua::Error::Rejected { message }) => format!("refused: {message}"),
        // The Lua stopped with an error (a value that is not an integer, an overflow, a
        // command error). Writes made before the failing statement stay: Redis has no
        // rollback. `location` is the Rust line of the statement.
        Err(redlua::Error::Script { message, location }) => match location {
            Some(at) => format!("failed at {at}: {message}"),
            None => format!("failed: {message}"),
        },
        // Keys in different cluster slots: a bug in the key names, found before sending.
        Err(redlua::Error::CrossSlot { message, .. }) => format!("not sent: {message}"),
        // Another library on the server holds one of this library's function names: a
        // deployment problem. Nothing ran, neither this code nor the other library's.
        Err(redlua::Error::FunctionNameTaken { function, .. }) => format!("not run: another library holds `{function}`"),
        // BUSY, a read-only replica, a lost library that could not be loaded, a refused
        // argument: the call certainly did not run, so it may be sent again later.
        Err(e) if e.did_not_run() => format!("did not run, safe to retry: {e}"),
        // A connection error: the call may or may not have run. Read the data before
        // deciding to send it again.
        Err(e @ redlua::Error::Connection(_)) => format!("unknown outcome: {e}"),
        Err(e) => format!("error: {e}"),
    }
}
// ANCHOR_END: handle

// ANCHOR: retry_busy
/// Runs `call` again while the server answers `BUSY` (another script or function is
/// running past `busy-reply-threshold`), at most `attempts` times, `pause` apart. A BUSY
/// call did not run, so sending it again can never run it twice.
pub fn retry_while_busy<T>(
    attempts: u32,
    pause: Duration,
    mut call: impl FnMut() -> Result<T, redlua::Error>,
) -> Result<T, redlua::Error> {
    let mut left = attempts;
    loop {
        match call() {
            Err(redlua::Error::Busy(_)) if left > 1 => {
                left -= 1;
                std::thread::sleep(pause);
            }
            other => return other,
        }
    }
}
// ANCHOR_END: retry_busy

// ANCHOR: pipeline
/// Several transfers in one round trip. Each entry has its own reply or error: a
/// rejected transfer does not hide the others.
pub fn transfer_many(
    con: &mut redis::Connection,
    transfers: &[(&str, &str, i64)],
) -> Result<Vec<Result<bool, redlua::Error>>, redlua::Error> {
    let mut pipe = redlua::Pipeline::new();
    let handles: Vec<_> = transfers.iter().map(|&(from, to, amount)| pipe.add(bank::transfer(from, to, amount))).collect();
    // An error here: nothing was sent (the library could not be checked or loaded, an
    // argument was invalid), or the connection failed while the batch was on its way.
    let replies = pipe.query(con)?;
    // Calls whose function the server had lost were sent once more, after the others.
    for &i in replies.resent() {
        eprintln!("transfer {i} ran after the rest of the pipeline");
    }
    Ok(handles.into_iter().map(|h| replies.get(h)).collect())
}
// ANCHOR_END: pipeline

// ANCHOR: careful
/// Redis does not roll back a function that fails half-way. `bank::transfer` debits
/// `from` and then credits `to`: when `to` holds something that is not an integer, the
/// credit fails after the debit. This version reads everything that could fail first.
#[redlua::library(name = "careful_bank")]
pub mod careful_bank {
    use redlua::prelude::*;

    /// Moves `amount` from `from` to `to` like `bank::transfer`, but fails before writing
    /// anything when either account is not an integer or the credit would overflow.
    #[redis_function]
    pub fn careful_transfer(from: Key, to: Key, amount: i64) -> Result<bool, Reject> {
        if amount <= 0 {
            return Err(reject!("amount must be positive"));
        }
        let balance = get::<i64>(&from).unwrap_or(0); // fails on a list, or on "abc"
        let received = get::<i64>(&to).unwrap_or(0); // the same for `to`, before any write
        let _credited = received + amount; // an overflow fails here, not after the debit
        if balance < amount {
            return Ok(false);
        }
        decr_by(&from, amount);
        incr_by(&to, amount);
        Ok(true)
    }
}
// ANCHOR_END: careful
