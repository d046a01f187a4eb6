//! Quickstart: load redlua functions into a real Redis server and call them.
//!
//! Run it with `cargo xtask demo` (or `cargo run -p redlua-examples --example quickstart`).
//! It starts a throwaway `redis-server`, or uses the server named by `REDIS_URL` when it
//! is set (and then leaves the generated libraries there: see `FUNCTION LIST WITHCODE`).

use redlua::testing::TestServer;
use redlua_examples::capped_increment::capped_increment;
use redlua_examples::get_with_default::kv;
use redlua_examples::locks::locks;
use redlua_examples::rate_limit::fixed_window;
use std::error::Error;

// ANCHOR: library
#[redlua::library(name = "quickstart")]
pub mod quickstart {
    use redlua::prelude::*;

    /// Adds `amount` to a counter and returns the new value, refusing negative amounts.
    #[redis_function]
    pub fn add(counter: Key, amount: i64) -> Result<i64, Reject> {
        if amount < 0 {
            return Err(reject!("amount must not be negative"));
        }
        Ok(incr_by(&counter, amount))
    }

    /// The counter's value, 0 when it does not exist.
    #[redis_function(read_only)]
    pub fn current(counter: Key) -> i64 {
        get::<i64>(&counter).unwrap_or(0)
    }
}
// ANCHOR_END: library

fn main() -> Result<(), Box<dyn Error>> {
    let server = TestServer::from_env()?;
    println!("redis server: {}{}", server.url(), if server.is_external() { " (REDIS_URL)" } else { " (throwaway)" });
    let mut con = server.connection()?;

    // ANCHOR: call
    // The first call loads the library (FUNCTION LOAD), later calls are one FCALL each.
    let total: i64 = quickstart::add("quickstart:visits", 3).call(&mut con)?;
    let now: i64 = quickstart::current("quickstart:visits").call(&mut con)?; // FCALL_RO
    println!("add(3) -> {total}, current() -> {now}");

    // A function's own refusal comes back as a typed error.
    match quickstart::add("quickstart:visits", -1).call(&mut con) {
        Err(redlua::Error::Rejected { message }) => println!("add(-1) rejected: {message}"),
        other => println!("add(-1) -> {other:?}"),
    }
    // ANCHOR_END: call

    // ANCHOR: pipeline
    // Several calls in one round trip; each reply is read back through its handle.
    let mut pipe = redlua::Pipeline::new();
    let added = pipe.add(quickstart::add("quickstart:visits", 2));
    let read = pipe.add(quickstart::current("quickstart:visits"));
    let replies = pipe.query(&mut con)?;
    println!("in one round trip: add(2) -> {}, current() -> {}", replies.get(added)?, replies.get(read)?);
    assert_eq!((replies.get(added)?, replies.get(read)?), (5, 5));
    // ANCHOR_END: pipeline

    // ANCHOR: script
    // A one-off script, written where it is used: the closure's body is checked and
    // translated like a redis function's; `prepare` binds the keys and arguments, and
    // the call is an EVALSHA that loads the script on NOSCRIPT. The body's commands come
    // from the prelude, as in a library.
    use redlua::prelude::*;
    let capped = redlua::script!(|counter: Key, max: i64| -> i64 {
        let current = get::<i64>(&counter).unwrap_or(0);
        if current < max {
            incr(&counter)
        } else {
            current
        }
    });
    let counts: Vec<i64> = (0..3).map(|_| capped.prepare("quickstart:script", 2).call(&mut con)).collect::<Result<_, _>>()?;
    println!("script!(capped at 2) x3 -> {counts:?} (sha1 {})", capped.script().sha1());
    assert_eq!(counts, [1, 2, 2]);
    // ANCHOR_END: script

    let mut bank = Vec::new();
    redis::cmd("SET").arg("acct:{alice}").arg(100).exec(&mut con)?;
    for amount in [30, 80] {
        let moved: bool = redlua_examples::transfer::bank::transfer("acct:{alice}", "acct:{bob}", amount).call(&mut con)?;
        bank.push(format!("transfer({amount}) -> {moved}"));
    }
    let alice: i64 = redlua_examples::transfer::bank::balance("acct:{alice}").call(&mut con)?;
    let bob: i64 = redlua_examples::transfer::bank::balance("acct:{bob}").call(&mut con)?;
    println!("{}; balances: alice {alice}, bob {bob}", bank.join(", "));

    let capped: Vec<i64> = (0..4).map(|_| capped_increment("quickstart:capped", 2).call(&mut con)).collect::<Result<_, _>>()?;
    println!("capped_increment(max 2) x4 -> {capped:?}");

    let got: bool = locks::acquire("lock:{report}", "worker-1", 30).call(&mut con)?;
    let again: bool = locks::acquire("lock:{report}", "worker-2", 30).call(&mut con)?;
    let wrong: bool = locks::release("lock:{report}", "worker-2").call(&mut con)?;
    let right: bool = locks::release("lock:{report}", "worker-1").call(&mut con)?;
    println!("lock: acquire(w1) {got}, acquire(w2) {again}, release(w2) {wrong}, release(w1) {right}");

    let allowed: Vec<bool> = (0..4).map(|_| fixed_window("rate:{api}", 3, 60).call(&mut con)).collect::<Result<_, _>>()?;
    println!("fixed_window(limit 3) x4 -> {allowed:?}");

    let dflt: String = kv::get_or("config:{missing}", "fallback").call(&mut con)?;
    println!("get_or(missing) -> {dflt}");

    println!("\nThe generated Lua of library `quickstart`:\n\n{}", quickstart::LUA);
    Ok(())
}
