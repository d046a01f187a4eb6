//! Seed patterns 1, 2, 3, 4, 5 and 7 on a real redis-server: each redlua example
//! against its hand-written Lua baseline (`redlua_tests::*`), and against its native
//! twin.
//!
//! Every comparison runs the same inputs on four namespaces of one fresh server:
//! - `redlua`: the typed stub, `.call(&mut con)`;
//! - `wire`: the same stub's raw command (`FCALL`/`EVALSHA` from `.command()`), whose
//!   raw reply must be exactly the baseline's (1/0 integers, bulk strings);
//! - `lua`: the baseline with `EVAL` (`EVAL_RO` for the read-only pattern);
//! - `twin`: the native twin, through `redlua::twin::run`.
//!
//! Scenario tests check the replies and data the specification gives for chosen
//! cases; equivalence tests run a few hundred pseudo-random inputs (xorshift, fixed
//! seeds) on all four namespaces and on an in-test model of the specification, then
//! compare the final data.

use redis::{Connection, RedisResult, Value};
use redlua::{Error, Key};
use redlua_examples::capped_increment::capped_increment;
use redlua_examples::get_with_default::kv;
use redlua_examples::locks::locks;
use redlua_examples::rate_limit::fixed_window;
use redlua_examples::transfer::bank;
use redlua_tests::*;
use std::collections::BTreeMap;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// TTLs are compared in whole seconds between sides written a few microseconds apart.
const TTL_TOLERANCE: i64 = 1;

/// The four namespaces one comparison runs on.
struct Sides {
    redlua: Namespace,
    wire: Namespace,
    lua: Namespace,
    twin: Namespace,
}

impl Sides {
    /// The namespaces, with every library and script of the examples loaded (the
    /// `wire` side sends raw commands, which do not load anything).
    fn new(con: &mut Connection) -> Sides {
        bank::LIBRARY.load(con).expect("load bank");
        locks::LIBRARY.load(con).expect("load locks");
        kv::LIBRARY.load(con).expect("load kv");
        capped_increment::SCRIPT.load(con).expect("load capped_increment");
        fixed_window::SCRIPT.load(con).expect("load fixed_window");
        Sides { redlua: Namespace::new("redlua"), wire: Namespace::new("wire"), lua: Namespace::new("lua"), twin: Namespace::new("twin") }
    }

    fn all(&self) -> [&Namespace; 4] {
        [&self.redlua, &self.wire, &self.lua, &self.twin]
    }

    /// Sets (or deletes, for `None`) `name` on every side.
    fn set(&self, con: &mut Connection, name: &str, value: Option<&str>) {
        set_all(con, &self.all(), name, value);
    }

    /// Runs a raw command on every side (`cmd(key)` builds it for each side's key).
    fn each(&self, con: &mut Connection, name: &str, cmd: impl Fn(String) -> redis::Cmd) {
        for ns in self.all() {
            cmd(ns.key(name)).exec(con).unwrap_or_else(|e| panic!("setting up {name}: {e}"));
        }
    }

    /// Asserts that all sides hold the same data for `names`; returns the redlua side's.
    fn same_data(&self, con: &mut Connection, names: &[&str]) -> Snapshot {
        let reference = snapshot(con, &self.redlua, names);
        for ns in [&self.wire, &self.lua, &self.twin] {
            let other = snapshot(con, ns, names);
            reference.assert_same(&other, TTL_TOLERANCE, &format!("redlua vs {}", ns.name()));
        }
        reference
    }
}

/// Asserts that a raw reply is `expected`.
fn assert_wire(context: &str, side: &str, got: &RedisResult<Value>, expected: &Value) {
    match got {
        Ok(v) => assert_eq!(v, expected, "{context}: {side} replied {v:?}, redlua's typed reply means {expected:?}"),
        Err(e) => panic!("{context}: {side} failed: {e} (redlua's typed reply means {expected:?})"),
    }
}

fn error_code(r: &RedisResult<Value>) -> Option<String> {
    r.as_ref().err().and_then(|e| e.code()).map(str::to_string)
}

// ---------------------------------------------------------------------------------
// Pattern 1: capped increment.

/// Runs capped_increment on every side, asserts they agree, returns the reply.
fn capped_all(con: &mut Connection, s: &Sides, counter: &str, max: i64) -> i64 {
    let ctx = format!("capped_increment({counter}, max {max})");
    let typed = capped_increment(s.redlua.key(counter), max).call(con).unwrap_or_else(|e| panic!("{ctx}: redlua: {e}"));
    let wire = capped_increment(s.wire.key(counter), max).command().query::<Value>(con);
    let base = eval(con, CAPPED_INCREMENT, &[s.lua.key(counter)], &[max.to_string()]);
    let twin = redlua::twin::try_run(con, || capped_increment::twin(Key::from(s.twin.key(counter)), max));
    assert_wire(&ctx, "wire", &wire, &typed.as_wire());
    assert_wire(&ctx, "baseline", &base, &typed.as_wire());
    assert_eq!(twin, Ok(typed), "{ctx}: twin vs redlua");
    typed
}

#[test]
fn capped_increment_counts_up_to_max_from_a_missing_key() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    let replies: Vec<i64> = (0..5).map(|_| capped_all(&mut con, &s, "c", 3)).collect();
    assert_eq!(replies, [1, 2, 3, 3, 3]);
    let data = s.same_data(&mut con, &["c"]);
    assert_eq!(data.string("c").as_deref(), Some("3"));
    assert!(!data.get("c").expires(), "INCR must not set a TTL");
}

#[test]
fn capped_increment_at_or_above_max_leaves_the_value() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    // Exactly at the cap: unchanged.
    s.set(&mut con, "at", Some("5"));
    assert_eq!(capped_all(&mut con, &s, "at", 5), 5);
    // One below the cap: one more, then capped.
    s.set(&mut con, "below", Some("4"));
    assert_eq!(capped_all(&mut con, &s, "below", 5), 5);
    assert_eq!(capped_all(&mut con, &s, "below", 5), 5);
    // Above the cap (the cap was lowered): unchanged, the current value is replied.
    s.set(&mut con, "above", Some("10"));
    assert_eq!(capped_all(&mut con, &s, "above", 5), 10);
    // A negative counter below a negative cap still counts up.
    s.set(&mut con, "neg", Some("-3"));
    assert_eq!(capped_all(&mut con, &s, "neg", -1), -2);
    assert_eq!(capped_all(&mut con, &s, "neg", -1), -1);
    assert_eq!(capped_all(&mut con, &s, "neg", -1), -1);
    let data = s.same_data(&mut con, &["at", "below", "above", "neg"]);
    assert_eq!(data.string("at").as_deref(), Some("5"));
    assert_eq!(data.string("below").as_deref(), Some("5"));
    assert_eq!(data.string("above").as_deref(), Some("10"));
    assert_eq!(data.string("neg").as_deref(), Some("-1"));
}

#[test]
fn capped_increment_with_max_zero_or_negative_creates_nothing() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    // A missing key counts as 0, which is not below 0 or -7: reply 0, no INCR.
    assert_eq!(capped_all(&mut con, &s, "zero", 0), 0);
    assert_eq!(capped_all(&mut con, &s, "negative", -7), 0);
    let data = s.same_data(&mut con, &["zero", "negative"]);
    assert_eq!(data.get("zero").data, Data::Missing);
    assert_eq!(data.get("negative").data, Data::Missing);
}

#[test]
fn capped_increment_keeps_an_existing_ttl() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    s.each(&mut con, "ttl", |k| redis::cmd("SET").arg(k).arg(1).arg("EX").arg(100).clone());
    assert_eq!(capped_all(&mut con, &s, "ttl", 10), 2);
    let data = s.same_data(&mut con, &["ttl"]);
    assert_eq!(data.string("ttl").as_deref(), Some("2"));
    let ttl = data.get("ttl").ttl.expect("INCR keeps the key's TTL");
    assert!((99..=100).contains(&ttl), "ttl {ttl}");
}

#[test]
fn capped_increment_refuses_a_value_that_is_not_an_integer() {
    // Not specified, so not compared with the baseline: redlua must fail loudly and
    // write nothing, never treat the value as 0.
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    for (name, value) in [("text", "abc"), ("float", "1.5"), ("empty", ""), ("huge", "9007199254740993")] {
        set(&mut con, &s.redlua.key(name), value);
        let r = capped_increment(s.redlua.key(name), 1_000).call(&mut con);
        assert!(matches!(&r, Err(Error::Script { message, location: Some(at) }) if message.contains("value is not an integer") && at.line == 9), "{name}={value:?}: {r:?}");
        let twin = redlua::twin::try_run(&mut con, || capped_increment::twin(Key::from(s.redlua.key(name)), 1_000));
        assert!(twin.is_err(), "{name}={value:?}: twin {twin:?}");
        assert_eq!(read_entry(&mut con, &s.redlua.key(name)).data, Data::String(value.as_bytes().to_vec()), "{name} changed");
    }
}

#[test]
fn capped_increment_equivalence_on_random_inputs() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    let names = ["c0", "c1", "c2"];
    let mut model: BTreeMap<&str, i64> = BTreeMap::new();
    let mut rng = XorShift::new(0xC0FFEE);
    let mut calls = 0;
    for step in 0..300 {
        let name = *rng.pick(&names);
        match rng.below(20) {
            0 => {
                s.set(&mut con, name, None);
                model.remove(name);
            }
            1 => {
                let v = rng.range(-3, 15);
                s.set(&mut con, name, Some(&v.to_string()));
                model.insert(name, v);
            }
            _ => {
                let max = rng.range(-2, 12);
                let current = model.get(name).copied().unwrap_or(0);
                let expected = if current < max {
                    model.insert(name, current + 1);
                    current + 1
                } else {
                    current
                };
                let got = capped_all(&mut con, &s, name, max);
                assert_eq!(got, expected, "step {step}: capped_increment({name}, {max}) from {current}");
                calls += 1;
            }
        }
    }
    assert!(calls >= 250, "only {calls} calls");
    let data = s.same_data(&mut con, &names);
    for name in names {
        assert_eq!(data.string(name), model.get(name).map(|v| v.to_string()), "{name}");
    }
}

// ---------------------------------------------------------------------------------
// Pattern 2: transfer.

/// Runs transfer on every side and asserts they agree. A non-positive amount is
/// not specified for the baseline, which is not run then: the redlua function must
/// reject it (and so must its twin), and the reply is `None`.
fn transfer_all(con: &mut Connection, s: &Sides, from: &str, to: &str, amount: i64) -> Option<bool> {
    let ctx = format!("transfer({from}, {to}, {amount})");
    let typed = bank::transfer(s.redlua.key(from), s.redlua.key(to), amount).call(con);
    let wire = bank::transfer(s.wire.key(from), s.wire.key(to), amount).command().query::<Value>(con);
    let twin = redlua::twin::try_run(con, || bank::twin::transfer(Key::from(s.twin.key(from)), Key::from(s.twin.key(to)), amount))
        .unwrap_or_else(|e| panic!("{ctx}: twin failed: {e}"));
    if amount <= 0 {
        match &typed {
            Err(Error::Rejected { message }) => assert_eq!(message, "amount must be positive", "{ctx}"),
            other => panic!("{ctx}: expected Error::Rejected, got {other:?}"),
        }
        assert_eq!(error_code(&wire).as_deref(), Some("REJECT"), "{ctx}: wire {wire:?}");
        assert_eq!(twin.map_err(|r| r.message().to_string()), Err("amount must be positive".to_string()), "{ctx}: twin");
        return None;
    }
    let typed = typed.unwrap_or_else(|e| panic!("{ctx}: redlua: {e}"));
    let base = eval(con, TRANSFER, &[s.lua.key(from), s.lua.key(to)], &[amount.to_string()]);
    assert_wire(&ctx, "wire", &wire, &typed.as_wire());
    assert_wire(&ctx, "baseline", &base, &typed.as_wire());
    assert_eq!(twin, Ok(typed), "{ctx}: twin vs redlua");
    Some(typed)
}

#[test]
fn transfer_moves_when_the_balance_allows_it() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    s.set(&mut con, "alice", Some("100"));
    assert_eq!(transfer_all(&mut con, &s, "alice", "bob", 30), Some(true));
    let data = s.same_data(&mut con, &["alice", "bob"]);
    assert_eq!(data.string("alice").as_deref(), Some("70"));
    assert_eq!(data.string("bob").as_deref(), Some("30"), "a missing destination starts at 0");
    // Exactly the balance: moved, leaving "0" (the key stays).
    assert_eq!(transfer_all(&mut con, &s, "alice", "bob", 70), Some(true));
    let data = s.same_data(&mut con, &["alice", "bob"]);
    assert_eq!(data.string("alice").as_deref(), Some("0"));
    assert_eq!(data.string("bob").as_deref(), Some("100"));
    // The typed read-only balance agrees.
    assert_eq!(bank::balance(s.redlua.key("alice")).call(&mut con).unwrap(), 0);
    assert_eq!(bank::balance(s.redlua.key("bob")).call(&mut con).unwrap(), 100);
    assert_eq!(bank::balance(s.redlua.key("nobody")).call(&mut con).unwrap(), 0);
}

#[test]
fn transfer_refused_when_the_balance_is_short_writes_nothing() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    s.set(&mut con, "alice", Some("50"));
    s.set(&mut con, "bob", Some("7"));
    // One more than the balance.
    assert_eq!(transfer_all(&mut con, &s, "alice", "bob", 51), Some(false));
    // A missing source holds 0: refused, and neither key is created.
    assert_eq!(transfer_all(&mut con, &s, "ghost", "nobody", 1), Some(false));
    let data = s.same_data(&mut con, &["alice", "bob", "ghost", "nobody"]);
    assert_eq!(data.string("alice").as_deref(), Some("50"));
    assert_eq!(data.string("bob").as_deref(), Some("7"));
    assert_eq!(data.get("ghost").data, Data::Missing);
    assert_eq!(data.get("nobody").data, Data::Missing);
}

#[test]
fn transfer_rejects_zero_and_negative_amounts_without_writing() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    s.set(&mut con, "alice", Some("50"));
    for amount in [0, -1, -50, -(1 << 53) + 1] {
        assert_eq!(transfer_all(&mut con, &s, "alice", "bob", amount), None);
    }
    let data = snapshot(&mut con, &s.redlua, &["alice", "bob"]);
    assert_eq!(data.string("alice").as_deref(), Some("50"));
    assert_eq!(data.get("bob").data, Data::Missing, "a rejected transfer must not create the destination");
    let twin = snapshot(&mut con, &s.twin, &["alice", "bob"]);
    assert_eq!(data, twin);
}

#[test]
fn transfer_to_the_same_account_keeps_the_balance() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    s.set(&mut con, "alice", Some("50"));
    assert_eq!(transfer_all(&mut con, &s, "alice", "alice", 50), Some(true));
    assert_eq!(transfer_all(&mut con, &s, "alice", "alice", 51), Some(false));
    let data = s.same_data(&mut con, &["alice"]);
    assert_eq!(data.string("alice").as_deref(), Some("50"));
}

#[test]
fn transfer_keeps_ttls_and_does_not_add_any() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    s.each(&mut con, "alice", |k| redis::cmd("SET").arg(k).arg(10).arg("EX").arg(500).clone());
    assert_eq!(transfer_all(&mut con, &s, "alice", "bob", 4), Some(true));
    let data = s.same_data(&mut con, &["alice", "bob"]);
    assert_eq!(data.string("alice").as_deref(), Some("6"));
    assert!(data.get("alice").expires(), "DECRBY keeps the TTL");
    assert_eq!(data.string("bob").as_deref(), Some("4"));
    assert!(!data.get("bob").expires(), "INCRBY on a missing key creates it without TTL");
}

#[test]
fn transfer_from_a_key_of_another_type_fails_before_writing() {
    // Not specified for the baseline: the redlua function must fail, and write
    // nothing (the GET of the source fails before any write).
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    redis::cmd("RPUSH").arg(s.redlua.key("list")).arg("x").exec(&mut con).unwrap();
    set(&mut con, &s.redlua.key("text"), "lots");
    for from in ["list", "text"] {
        let r = bank::transfer(s.redlua.key(from), s.redlua.key("bob"), 1).call(&mut con);
        assert!(r.is_err(), "transfer from {from}: {r:?}");
    }
    assert_eq!(read_entry(&mut con, &s.redlua.key("bob")).data, Data::Missing);
    assert_eq!(read_entry(&mut con, &s.redlua.key("text")).data, Data::String(b"lots".to_vec()));
}

#[test]
fn transfer_equivalence_on_random_inputs() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    let names = ["a0", "a1", "a2", "a3"];
    let mut model: BTreeMap<&str, i64> = BTreeMap::new();
    let mut rng = XorShift::new(0x7A15FE4);
    for name in names {
        if rng.chance(75) {
            let v = rng.range(0, 100);
            s.set(&mut con, name, Some(&v.to_string()));
            model.insert(name, v);
        }
    }
    let (mut calls, mut moved, mut refused, mut rejected) = (0, 0, 0, 0);
    for step in 0..300 {
        let (from, to) = (*rng.pick(&names), *rng.pick(&names));
        if rng.below(25) == 0 {
            let v = rng.range(0, 120);
            s.set(&mut con, from, Some(&v.to_string()));
            model.insert(from, v);
            continue;
        }
        let amount = if rng.chance(10) { rng.range(-3, 0) } else { rng.range(1, 80) };
        calls += 1;
        let balance = model.get(from).copied().unwrap_or(0);
        let expected = if amount <= 0 {
            rejected += 1;
            None
        } else if balance < amount {
            refused += 1;
            Some(false)
        } else {
            moved += 1;
            *model.entry(from).or_insert(0) -= amount;
            *model.entry(to).or_insert(0) += amount;
            Some(true)
        };
        let got = transfer_all(&mut con, &s, from, to, amount);
        assert_eq!(got, expected, "step {step}: transfer({from}, {to}, {amount}) with balance {balance}");
    }
    assert!(calls >= 250 && moved > 50 && refused > 20 && rejected > 10, "{calls} calls: {moved} moved, {refused} refused, {rejected} rejected");
    let data = s.same_data(&mut con, &names);
    for name in names {
        assert_eq!(data.string(name), model.get(name).map(|v| v.to_string()), "{name}");
    }
}

// ---------------------------------------------------------------------------------
// Patterns 3 and 4: acquire and release a lock.

fn acquire_all(con: &mut Connection, s: &Sides, lock: &str, holder: &str, ttl: i64) -> bool {
    let ctx = format!("acquire({lock}, {holder}, {ttl}s)");
    let typed = locks::acquire(s.redlua.key(lock), holder, ttl).call(con).unwrap_or_else(|e| panic!("{ctx}: redlua: {e}"));
    let wire = locks::acquire(s.wire.key(lock), holder, ttl).command().query::<Value>(con);
    let base = eval(con, ACQUIRE_LOCK, &[s.lua.key(lock)], &[holder.to_string(), ttl.to_string()]);
    let twin = redlua::twin::try_run(con, || locks::twin::acquire(Key::from(s.twin.key(lock)), holder.to_string(), ttl));
    assert_wire(&ctx, "wire", &wire, &typed.as_wire());
    assert_wire(&ctx, "baseline", &base, &typed.as_wire());
    assert_eq!(twin, Ok(typed), "{ctx}: twin vs redlua");
    typed
}

fn release_all(con: &mut Connection, s: &Sides, lock: &str, holder: &str) -> bool {
    let ctx = format!("release({lock}, {holder})");
    let typed = locks::release(s.redlua.key(lock), holder).call(con).unwrap_or_else(|e| panic!("{ctx}: redlua: {e}"));
    let wire = locks::release(s.wire.key(lock), holder).command().query::<Value>(con);
    let base = eval(con, RELEASE_LOCK, &[s.lua.key(lock)], &[holder]);
    let twin = redlua::twin::try_run(con, || locks::twin::release(Key::from(s.twin.key(lock)), holder.to_string()));
    assert_wire(&ctx, "wire", &wire, &typed.as_wire());
    assert_wire(&ctx, "baseline", &base, &typed.as_wire());
    assert_eq!(twin, Ok(typed), "{ctx}: twin vs redlua");
    typed
}

#[test]
fn acquire_takes_a_free_lock_with_its_ttl() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    assert!(acquire_all(&mut con, &s, "lock", "w1", 30));
    let data = s.same_data(&mut con, &["lock"]);
    assert_eq!(data.string("lock").as_deref(), Some("w1"));
    let ms = pttl(&mut con, &s.redlua.key("lock")).expect("the lock must expire");
    assert!((29_000..=30_000).contains(&ms), "pttl {ms}");
}

#[test]
fn acquire_of_a_held_lock_fails_for_anyone_and_changes_nothing() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    assert!(acquire_all(&mut con, &s, "lock", "w1", 30));
    assert!(!acquire_all(&mut con, &s, "lock", "w2", 300), "another holder");
    assert!(!acquire_all(&mut con, &s, "lock", "w1", 300), "the same holder: held by anyone means 0");
    let data = s.same_data(&mut con, &["lock"]);
    assert_eq!(data.string("lock").as_deref(), Some("w1"));
    let ttl = data.get("lock").ttl.expect("ttl");
    assert!(ttl <= 30, "a refused acquire must not extend the TTL: {ttl}");
    // Any value counts as held, even one without TTL written by someone else.
    s.set(&mut con, "plain", Some("someone"));
    assert!(!acquire_all(&mut con, &s, "plain", "w1", 30));
    let data = s.same_data(&mut con, &["plain"]);
    assert_eq!(data.string("plain").as_deref(), Some("someone"));
    assert!(!data.get("plain").expires());
}

#[test]
fn acquire_after_the_lock_expired_succeeds() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    assert!(acquire_all(&mut con, &s, "lock", "w1", 1));
    assert!(!acquire_all(&mut con, &s, "lock", "w2", 1));
    wait_until_gone(&mut con, &s, "lock");
    assert!(acquire_all(&mut con, &s, "lock", "w2", 10));
    let data = s.same_data(&mut con, &["lock"]);
    assert_eq!(data.string("lock").as_deref(), Some("w2"));
}

/// Waits until `name` has expired on every side (bounded).
fn wait_until_gone(con: &mut Connection, s: &Sides, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let gone = s.all().iter().all(|ns| redis::cmd("EXISTS").arg(ns.key(name)).query::<i64>(con).unwrap() == 0);
        if gone {
            return;
        }
        assert!(Instant::now() < deadline, "{name} did not expire");
        sleep(Duration::from_millis(50));
    }
}

#[test]
fn acquire_with_a_non_positive_ttl_fails_without_setting() {
    // Not specified: SET ... EX 0 is a server error; redlua must report it and set nothing.
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    for ttl in [0, -5] {
        let r = locks::acquire(s.redlua.key("lock"), "w1", ttl).call(&mut con);
        assert!(r.is_err(), "ttl {ttl}: {r:?}");
        assert_eq!(read_entry(&mut con, &s.redlua.key("lock")).data, Data::Missing);
    }
}

#[test]
fn release_deletes_only_the_holders_lock() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    assert!(acquire_all(&mut con, &s, "lock", "w1", 60));
    assert!(!release_all(&mut con, &s, "lock", "w2"), "not the holder");
    assert!(!release_all(&mut con, &s, "lock", "W1"), "holders compare exactly");
    assert!(!release_all(&mut con, &s, "lock", "w1 "), "holders compare exactly");
    let data = s.same_data(&mut con, &["lock"]);
    assert_eq!(data.string("lock").as_deref(), Some("w1"));
    assert!(data.get("lock").expires(), "a refused release keeps the TTL");
    assert!(release_all(&mut con, &s, "lock", "w1"));
    let data = s.same_data(&mut con, &["lock"]);
    assert_eq!(data.get("lock").data, Data::Missing);
    // Already released, and a lock that never existed.
    assert!(!release_all(&mut con, &s, "lock", "w1"));
    assert!(!release_all(&mut con, &s, "never", "w1"));
    assert!(!release_all(&mut con, &s, "never", ""), "an empty holder does not match a missing lock");
    s.same_data(&mut con, &["lock", "never"]);
}

#[test]
fn release_compares_holders_as_strings() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    // Numeric-looking holders: "01" is not "1"; the empty holder is a holder.
    s.set(&mut con, "n", Some("1"));
    assert!(!release_all(&mut con, &s, "n", "01"));
    assert!(!release_all(&mut con, &s, "n", "1.0"));
    assert!(release_all(&mut con, &s, "n", "1"));
    s.set(&mut con, "empty", Some(""));
    assert!(release_all(&mut con, &s, "empty", ""));
    s.set(&mut con, "utf8", Some("wörker-ß"));
    assert!(release_all(&mut con, &s, "utf8", "wörker-ß"));
    let data = s.same_data(&mut con, &["n", "empty", "utf8"]);
    assert!(data.entries.values().all(|e| e.data == Data::Missing), "{data:?}");
}

#[test]
fn locks_equivalence_on_random_inputs() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    let names = ["l0", "l1", "l2"];
    let holders = ["w1", "w2", "w3", "", "1"];
    let mut model: BTreeMap<&str, (&str, i64)> = BTreeMap::new();
    let mut rng = XorShift::new(0x10C4B1E);
    let (mut acquired, mut refused, mut released, mut kept) = (0, 0, 0, 0);
    for step in 0..300 {
        let lock = *rng.pick(&names);
        let holder = *rng.pick(&holders);
        match rng.below(10) {
            // The lock expires (or an operator deletes it): the same on every side.
            0 => {
                s.set(&mut con, lock, None);
                model.remove(lock);
            }
            1..=4 => {
                let ttl = rng.range(100, 1000);
                let expected = !model.contains_key(lock);
                if expected {
                    model.insert(lock, (holder, ttl));
                    acquired += 1;
                } else {
                    refused += 1;
                }
                assert_eq!(acquire_all(&mut con, &s, lock, holder, ttl), expected, "step {step}: acquire({lock}, {holder:?})");
            }
            _ => {
                let expected = model.get(lock).is_some_and(|(h, _)| *h == holder);
                if expected {
                    model.remove(lock);
                    released += 1;
                } else {
                    kept += 1;
                }
                assert_eq!(release_all(&mut con, &s, lock, holder), expected, "step {step}: release({lock}, {holder:?})");
            }
        }
    }
    assert!(acquired > 20 && refused > 20 && released > 10 && kept > 20, "{acquired} acquired, {refused} refused, {released} released, {kept} kept");
    let data = s.same_data(&mut con, &names);
    for lock in names {
        match model.get(lock) {
            Some((holder, ttl)) => {
                assert_eq!(data.string(lock).as_deref(), Some(*holder), "{lock}");
                let t = data.get(lock).ttl.unwrap_or_else(|| panic!("{lock} must expire"));
                assert!(t <= *ttl && t >= ttl - 5, "{lock}: ttl {t}s, set with {ttl}s");
            }
            None => assert_eq!(data.get(lock).data, Data::Missing, "{lock}"),
        }
    }
}

// ---------------------------------------------------------------------------------
// Pattern 5: fixed-window rate limit.

fn window_all(con: &mut Connection, s: &Sides, counter: &str, limit: i64, window: i64) -> bool {
    let ctx = format!("fixed_window({counter}, limit {limit}, window {window}s)");
    let typed = fixed_window(s.redlua.key(counter), limit, window).call(con).unwrap_or_else(|e| panic!("{ctx}: redlua: {e}"));
    let wire = fixed_window(s.wire.key(counter), limit, window).command().query::<Value>(con);
    let base = eval(con, FIXED_WINDOW, &[s.lua.key(counter)], &[limit.to_string(), window.to_string()]);
    let twin = redlua::twin::try_run(con, || fixed_window::twin(Key::from(s.twin.key(counter)), limit, window));
    assert_wire(&ctx, "wire", &wire, &typed.as_wire());
    assert_wire(&ctx, "baseline", &base, &typed.as_wire());
    assert_eq!(twin, Ok(typed), "{ctx}: twin vs redlua");
    typed
}

#[test]
fn fixed_window_allows_limit_hits_then_denies() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    let replies: Vec<bool> = (0..6).map(|_| window_all(&mut con, &s, "rate", 3, 60)).collect();
    assert_eq!(replies, [true, true, true, false, false, false]);
    let data = s.same_data(&mut con, &["rate"]);
    assert_eq!(data.string("rate").as_deref(), Some("3"), "denied hits are not counted");
    let ttl = data.get("rate").ttl.expect("the first hit sets the window");
    assert!((59..=60).contains(&ttl), "ttl {ttl}");
}

#[test]
fn fixed_window_sets_the_expiry_only_on_the_first_hit() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    assert!(window_all(&mut con, &s, "rate", 10, 60));
    // Later hits with another window must not move the expiry.
    assert!(window_all(&mut con, &s, "rate", 10, 5000));
    assert!(window_all(&mut con, &s, "rate", 10, 1));
    let data = s.same_data(&mut con, &["rate"]);
    assert_eq!(data.string("rate").as_deref(), Some("3"));
    let ttl = data.get("rate").ttl.expect("ttl");
    assert!((59..=60).contains(&ttl), "the window of the first hit stays: ttl {ttl}");
    // A counter that exists without expiry (written by someone else) is counted
    // but not given one: only the hit that creates the counter starts a window.
    s.set(&mut con, "persistent", Some("1"));
    assert!(window_all(&mut con, &s, "persistent", 10, 60));
    let data = s.same_data(&mut con, &["persistent"]);
    assert_eq!(data.string("persistent").as_deref(), Some("2"));
    assert!(!data.get("persistent").expires());
}

#[test]
fn fixed_window_with_limit_zero_or_negative_denies_without_counting() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    assert!(!window_all(&mut con, &s, "zero", 0, 60));
    assert!(!window_all(&mut con, &s, "negative", -1, 60));
    let data = s.same_data(&mut con, &["zero", "negative"]);
    assert_eq!(data.get("zero").data, Data::Missing);
    assert_eq!(data.get("negative").data, Data::Missing);
    // Limit 1: exactly one hit.
    assert!(window_all(&mut con, &s, "one", 1, 60));
    assert!(!window_all(&mut con, &s, "one", 1, 60));
    assert_eq!(s.same_data(&mut con, &["one"]).string("one").as_deref(), Some("1"));
}

#[test]
fn fixed_window_starts_a_new_window_after_expiry() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    assert!(window_all(&mut con, &s, "rate", 2, 1));
    assert!(window_all(&mut con, &s, "rate", 2, 1));
    assert!(!window_all(&mut con, &s, "rate", 2, 1));
    wait_until_gone(&mut con, &s, "rate");
    assert!(window_all(&mut con, &s, "rate", 2, 1));
    let data = s.same_data(&mut con, &["rate"]);
    assert_eq!(data.string("rate").as_deref(), Some("1"));
    assert!(data.get("rate").expires(), "the first hit of the new window sets the expiry again");
}

#[test]
fn fixed_window_equivalence_on_random_inputs() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    let names = ["r0", "r1", "r2"];
    // Per counter: hits and the window the first hit set (None: no expiry).
    let mut model: BTreeMap<&str, (i64, Option<i64>)> = BTreeMap::new();
    let mut rng = XorShift::new(0xF18ED);
    let (mut allowed, mut denied) = (0, 0);
    for step in 0..300 {
        let name = *rng.pick(&names);
        match rng.below(30) {
            // The window ends: the counter is gone on every side.
            0 | 1 => {
                s.set(&mut con, name, None);
                model.remove(name);
            }
            // Someone wrote a persistent counter.
            2 => {
                let v = rng.range(0, 4);
                s.set(&mut con, name, Some(&v.to_string()));
                model.insert(name, (v, None));
            }
            _ => {
                let limit = rng.range(-1, 6);
                let window = rng.range(100, 1000);
                let (hits, ttl) = model.get(name).copied().unwrap_or((0, None));
                let expected = hits < limit;
                if expected {
                    // The hit that makes the counter 1 sets the window (on a missing
                    // counter, and on one someone wrote as "0").
                    let ttl = if hits == 0 { Some(window) } else { ttl };
                    model.insert(name, (hits + 1, ttl));
                    allowed += 1;
                } else {
                    denied += 1;
                }
                assert_eq!(window_all(&mut con, &s, name, limit, window), expected, "step {step}: {name} with {hits} hits, limit {limit}");
            }
        }
    }
    assert!(allowed > 50 && denied > 50, "{allowed} allowed, {denied} denied");
    let data = s.same_data(&mut con, &names);
    for name in names {
        match model.get(name) {
            Some((hits, ttl)) => {
                assert_eq!(data.string(name), Some(hits.to_string()), "{name}");
                match (ttl, data.get(name).ttl) {
                    (Some(w), Some(t)) => assert!(t <= *w && t >= w - 5, "{name}: ttl {t}s, window {w}s"),
                    (None, None) => {}
                    (w, t) => panic!("{name}: window {w:?}, ttl {t:?}"),
                }
            }
            None => assert_eq!(data.get(name).data, Data::Missing, "{name}"),
        }
    }
}

// ---------------------------------------------------------------------------------
// Pattern 7: get with a default (read-only).

fn get_or_all(con: &mut Connection, s: &Sides, key: &str, default: &str) -> String {
    let ctx = format!("get_or({key}, {default:?})");
    let typed = kv::get_or(s.redlua.key(key), default).call(con).unwrap_or_else(|e| panic!("{ctx}: redlua: {e}"));
    let wire = kv::get_or(s.wire.key(key), default).command().query::<Value>(con);
    let base = eval_ro(con, GET_WITH_DEFAULT, &[s.lua.key(key)], &[default]);
    let twin = redlua::twin::try_run(con, || kv::twin::get_or(Key::from(s.twin.key(key)), default.to_string()));
    assert_wire(&ctx, "wire", &wire, &typed.clone().as_wire());
    assert_wire(&ctx, "baseline", &base, &typed.as_wire());
    assert_eq!(twin.as_deref(), Ok(typed.as_str()), "{ctx}: twin vs redlua");
    typed
}

#[test]
fn get_or_replies_the_value_or_the_default() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    assert_eq!(get_or_all(&mut con, &s, "missing", "fallback"), "fallback");
    assert_eq!(get_or_all(&mut con, &s, "missing", ""), "", "an empty default");
    s.set(&mut con, "name", Some("redis"));
    assert_eq!(get_or_all(&mut con, &s, "name", "fallback"), "redis");
    // Values that are false-like in some language are still values.
    for (key, value) in [("empty", ""), ("zero", "0"), ("false", "false"), ("nil", "nil"), ("utf8", "día ✓")] {
        s.set(&mut con, key, Some(value));
        assert_eq!(get_or_all(&mut con, &s, key, "fallback"), value, "{key}");
    }
    // A key with a TTL is read the same; nothing is written and no key is created.
    s.each(&mut con, "ttl", |k| redis::cmd("SET").arg(k).arg("soon").arg("EX").arg(100).clone());
    assert_eq!(get_or_all(&mut con, &s, "ttl", "fallback"), "soon");
    let data = s.same_data(&mut con, &["missing", "name", "empty", "zero", "ttl"]);
    assert_eq!(data.get("missing").data, Data::Missing, "the default is not stored");
    assert_eq!(data.string("empty").as_deref(), Some(""));
    assert!(data.get("ttl").expires() && !data.get("name").expires());
}

#[test]
fn get_or_is_registered_read_only_and_called_with_fcall_ro() {
    let (_server, mut con) = server();
    let _s = Sides::new(&mut con);
    let flags = function_flags(&mut con, "get_or").expect("get_or is listed");
    assert!(flags.contains("no-writes"), "flags {flags:?}");
    let packed = kv::get_or("k", "d").command().get_packed_command();
    let text = String::from_utf8_lossy(&packed);
    assert!(text.contains("FCALL_RO"), "{text}");
    // The server accepts FCALL_RO only for functions flagged no-writes.
    let v: Value = kv::get_or("k", "d").command().query(&mut con).expect("FCALL_RO get_or");
    assert_eq!(v, Value::BulkString(b"d".to_vec()));
    let err = redis::cmd("FCALL_RO").arg("transfer").arg(2).arg("a").arg("b").arg(1).query::<Value>(&mut con).unwrap_err();
    assert!(err.to_string().contains("write"), "a writing function through FCALL_RO must be refused: {err}");
}

#[test]
fn get_or_runs_on_a_read_only_replica() {
    let (primary, mut con) = server();
    let port = primary.port().expect("a started server has a port").to_string();
    let replica = redlua::testing::TestServer::builder()
        .args(["--replicaof", "127.0.0.1", port.as_str()])
        .start()
        .unwrap_or_else(|e| panic!("cannot start a replica: {e}"));
    let mut rcon = replica.connection().expect("connect to the replica");
    set(&mut con, "config:{app}:mode", "blue");
    // Libraries replicate from the primary (a replica refuses FUNCTION LOAD).
    assert_eq!(kv::LIBRARY.load(&mut con).unwrap(), redlua::LoadOutcome::Loaded);
    bank::LIBRARY.load(&mut con).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let libs = function_list(&mut rcon);
        let synced = redis::cmd("GET").arg("config:{app}:mode").query::<Option<String>>(&mut rcon).unwrap().is_some();
        if libs.contains_key("kv") && libs.contains_key("bank") && synced {
            break;
        }
        assert!(Instant::now() < deadline, "the replica did not sync: {libs:?}");
        sleep(Duration::from_millis(50));
    }
    assert_eq!(kv::get_or("config:{app}:mode", "red").call(&mut rcon).unwrap(), "blue");
    assert_eq!(kv::get_or("config:{app}:missing", "red").call(&mut rcon).unwrap(), "red");
    assert_eq!(bank::balance("acct:{a}").call(&mut rcon).unwrap(), 0, "balance is read-only too");
    // A writing function is refused by the replica, and says so.
    let r = bank::transfer("acct:{a}", "acct:{b}", 1).call(&mut rcon);
    assert!(matches!(r, Err(Error::ReadOnlyReplica(_))), "{r:?}");
}

#[test]
fn get_or_of_a_key_of_another_type_is_an_error() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    redis::cmd("RPUSH").arg(s.redlua.key("list")).arg("x").exec(&mut con).unwrap();
    let r = kv::get_or(s.redlua.key("list"), "d").call(&mut con);
    assert!(r.is_err(), "{r:?}");
    let base = eval_ro(&mut con, GET_WITH_DEFAULT, &[s.redlua.key("list")], &["d"]);
    assert_eq!(error_code(&base).as_deref(), Some("WRONGTYPE"), "{base:?}");
}

#[test]
fn get_or_equivalence_on_random_inputs() {
    let (_server, mut con) = server();
    let s = Sides::new(&mut con);
    let names = ["k0", "k1", "k2", "k3"];
    let values = ["", "0", "1", "false", "nil", "value", "día ✓", " padded ", "line\nbreak", "{json: true}"];
    let mut model: BTreeMap<&str, &str> = BTreeMap::new();
    let mut rng = XorShift::new(0x6E70F);
    let (mut hits, mut defaults) = (0, 0);
    for step in 0..300 {
        let name = *rng.pick(&names);
        match rng.below(6) {
            0 => {
                let v = *rng.pick(&values);
                s.set(&mut con, name, Some(v));
                model.insert(name, v);
            }
            1 => {
                s.set(&mut con, name, None);
                model.remove(name);
            }
            _ => {
                let default = *rng.pick(&values);
                let expected = match model.get(name) {
                    Some(v) => {
                        hits += 1;
                        *v
                    }
                    None => {
                        defaults += 1;
                        default
                    }
                };
                assert_eq!(get_or_all(&mut con, &s, name, default), expected, "step {step}: get_or({name}, {default:?})");
            }
        }
    }
    assert!(hits > 50 && defaults > 30, "{hits} values, {defaults} defaults");
    let data = s.same_data(&mut con, &names);
    for name in names {
        assert_eq!(data.string(name).as_deref(), model.get(name).copied(), "{name}");
        assert!(!data.get(name).expires());
    }
}
