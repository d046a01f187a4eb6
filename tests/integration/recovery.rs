//! Recovery on a real redis-server: calls reload their library or script when the
//! server lost it (`FUNCTION FLUSH`, `SCRIPT FLUSH`, a restart) and run exactly once;
//! `Library::load` outcomes; what happens when another library took the name; and
//! the errors a caller sees for a rejected call or an out-of-range argument.
//!
//! Executions are counted server-side by their effects: every transfer moves 1,
//! every capped increment and rate-limit hit adds 1 to a counter, so after N calls
//! the data says whether each ran once, never, or twice.

use redis::{Connection, ConnectionLike, RedisResult, Value};
use redlua::{Error, LoadOutcome};
use redlua_examples::capped_increment::capped_increment;
use redlua_examples::get_with_default::kv;
use redlua_examples::locks::locks;
use redlua_examples::rate_limit::fixed_window;
use redlua_examples::transfer::bank;
use redlua_tests::*;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

fn get_int(con: &mut Connection, key: &str) -> Option<i64> {
    redis::cmd("GET").arg(key).query(con).unwrap_or_else(|e| panic!("GET {key}: {e}"))
}

fn flush(con: &mut Connection, what: &str, mode: Option<&str>) {
    let mut cmd = redis::cmd(what);
    cmd.arg("FLUSH");
    if let Some(m) = mode {
        cmd.arg(m);
    }
    cmd.exec(con).unwrap_or_else(|e| panic!("{what} FLUSH: {e}"));
}

fn script_exists(con: &mut Connection, sha: &str) -> bool {
    let v: Vec<i64> = redis::cmd("SCRIPT").arg("EXISTS").arg(sha).query(con).expect("SCRIPT EXISTS");
    v == [1]
}

fn names(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The function names a redlua library registers: each plain name, and
/// `<library>__<name>` for its typed calls.
fn registered(library: &str, functions: &[&str]) -> BTreeSet<String> {
    functions.iter().flat_map(|f| [f.to_string(), format!("{library}__{f}")]).collect()
}

#[test]
fn every_call_runs_exactly_once_across_function_and_script_flushes() {
    let (_server, mut con) = server();
    let (src, dst, counter, rate, cfg, lock) = ("acct:{r}:src", "acct:{r}:dst", "capped:{r}", "rate:{r}", "cfg:{r}", "lock:{r}");
    set(&mut con, src, 10_000);
    set(&mut con, cfg, "on");
    let calls = 120_i64;
    let (mut function_flushes, mut script_flushes) = (0, 0);
    for i in 0..calls {
        // Lose the code in every way the server can, in a fixed mix; some
        // iterations lose nothing, so calls also run on the loaded code.
        match i % 7 {
            0 => {
                flush(&mut con, "FUNCTION", None);
                function_flushes += 1;
            }
            1 => {
                flush(&mut con, "SCRIPT", None);
                script_flushes += 1;
            }
            2 => {
                flush(&mut con, "FUNCTION", Some("ASYNC"));
                flush(&mut con, "SCRIPT", Some("ASYNC"));
                function_flushes += 1;
                script_flushes += 1;
            }
            3 => {
                flush(&mut con, "SCRIPT", Some("SYNC"));
                flush(&mut con, "FUNCTION", Some("SYNC"));
                function_flushes += 1;
                script_flushes += 1;
            }
            _ => {}
        }
        let ctx = format!("call {i}");
        assert!(bank::transfer(src, dst, 1).call(&mut con).unwrap_or_else(|e| panic!("{ctx}: transfer: {e}")), "{ctx}: transfer refused");
        assert_eq!(bank::balance(dst).call(&mut con).unwrap(), i + 1, "{ctx}: balance");
        assert_eq!(capped_increment(counter, 1_000_000).call(&mut con).unwrap(), i + 1, "{ctx}: capped_increment");
        assert!(fixed_window(rate, 1_000_000, 3600).call(&mut con).unwrap(), "{ctx}: fixed_window");
        assert_eq!(kv::get_or(cfg, "off").call(&mut con).unwrap(), "on", "{ctx}: get_or");
        // A lock call that ran twice would reply false: the second run finds it taken
        // (acquire) or gone (release).
        let holder = format!("w{i}");
        assert!(locks::acquire(lock, holder.as_str(), 60).call(&mut con).unwrap(), "{ctx}: acquire");
        assert!(locks::release(lock, holder.as_str()).call(&mut con).unwrap(), "{ctx}: release");
    }
    // Each call ran exactly once.
    assert_eq!(get_int(&mut con, src), Some(10_000 - calls));
    assert_eq!(get_int(&mut con, dst), Some(calls));
    assert_eq!(get_int(&mut con, counter), Some(calls));
    assert_eq!(get_int(&mut con, rate), Some(calls));
    assert_eq!(get_int(&mut con, lock), None);
    // Each library was loaded once at the start and once after each FUNCTION FLUSH,
    // each script once at the start and once after each SCRIPT FLUSH: never more.
    assert!(function_flushes > 10 && script_flushes > 10);
    // (The flush of call 0 ran before anything was loaded: it loses nothing.)
    assert_eq!(command_calls(&mut con, "function|load"), 3 * function_flushes, "FUNCTION LOAD calls");
    assert_eq!(command_calls(&mut con, "script|load"), 2 * (1 + script_flushes), "SCRIPT LOAD calls");
    // And everything is loaded now, with redlua's own code.
    let libs = function_list(&mut con);
    assert_eq!(libs.get("bank"), Some(&registered("bank", &["transfer", "balance"])), "{libs:?}");
    assert_eq!(libs.get("kv"), Some(&registered("kv", &["get_or"])), "{libs:?}");
    assert_eq!(libs.get("locks"), Some(&registered("locks", &["acquire", "extend", "release"])), "{libs:?}");
    for lib in [&bank::LIBRARY, &kv::LIBRARY, &locks::LIBRARY] {
        assert_eq!(lib.server_code(&mut con).unwrap().as_deref(), Some(lib.code().as_bytes()), "{}", lib.name());
    }
    assert!(script_exists(&mut con, capped_increment::SHA1));
    assert!(script_exists(&mut con, fixed_window::SHA1));
}

#[test]
fn script_sha1_is_the_one_the_server_computes() {
    let (_server, mut con) = server();
    for (lua, sha) in [(capped_increment::LUA, capped_increment::SHA1), (fixed_window::LUA, fixed_window::SHA1)] {
        let server_sha: String = redis::cmd("SCRIPT").arg("LOAD").arg(lua).query(&mut con).unwrap();
        assert_eq!(server_sha, sha);
    }
    assert_eq!(capped_increment::SCRIPT.sha1(), capped_increment::SHA1);
    // With the script already cached, a call sends EVALSHA only: no SCRIPT LOAD.
    let loads = command_calls(&mut con, "script|load");
    assert_eq!(capped_increment("c:{x}", 5).call(&mut con).unwrap(), 1);
    assert_eq!(command_calls(&mut con, "script|load"), loads);
    assert_eq!(command_calls(&mut con, "evalsha"), 1);
}

#[test]
fn calls_recover_after_a_server_restart() {
    let (mut server, mut con) = server();
    set(&mut con, "acct:{s}:a", 10);
    assert!(bank::transfer("acct:{s}:a", "acct:{s}:b", 4).call(&mut con).unwrap());
    assert_eq!(capped_increment("c:{s}", 10).call(&mut con).unwrap(), 1);
    drop(con);
    // Persistence is off: the restarted server has no data, no library, no script.
    server.restart().expect("restart");
    let mut con = server.connection().expect("reconnect");
    assert!(function_list(&mut con).is_empty());
    assert!(!script_exists(&mut con, capped_increment::SHA1));
    set(&mut con, "acct:{s}:a", 10);
    assert!(bank::transfer("acct:{s}:a", "acct:{s}:b", 4).call(&mut con).unwrap());
    assert_eq!(capped_increment("c:{s}", 10).call(&mut con).unwrap(), 1);
    assert_eq!(get_int(&mut con, "acct:{s}:a"), Some(6));
    assert_eq!(get_int(&mut con, "acct:{s}:b"), Some(4));
    assert!(function_list(&mut con).contains_key("bank"));
    assert!(script_exists(&mut con, capped_increment::SHA1));
}

/// A `bank` library someone else wrote: same name, different code, no `transfer`.
const FOREIGN_BANK_WITHOUT_TRANSFER: &str = "#!lua name=bank\n\
    redis.register_function('audit', function(keys, args) return 'audited' end)\n";

/// A `bank` library someone else wrote whose `transfer` mints 1000 into the
/// destination and takes nothing from the source.
const FOREIGN_BANK_WITH_TRANSFER: &str = "#!lua name=bank\n\
    redis.register_function('transfer', function(keys, args)\n\
      redis.call('INCRBY', keys[2], 1000)\n\
      return 1\n\
    end)\n";

/// The same code as another redlua build of `bank` would register it: also under
/// `bank__transfer`, the name of typed calls.
const OTHER_BANK_VERSION: &str = "#!lua name=bank\n\
    local function transfer(keys, args)\n\
      redis.call('INCRBY', keys[2], 1000)\n\
      return 1\n\
    end\n\
    redis.register_function('transfer', transfer)\n\
    redis.register_function('bank__transfer', transfer)\n";

fn function_load(con: &mut Connection, code: &str, replace: bool) {
    let mut cmd = redis::cmd("FUNCTION");
    cmd.arg("LOAD");
    if replace {
        cmd.arg("REPLACE");
    }
    cmd.arg(code).exec(con).unwrap_or_else(|e| panic!("FUNCTION LOAD: {e}"));
}

#[test]
fn library_load_reports_loaded_unchanged_replaced() {
    let (_server, mut con) = server();
    assert_eq!(bank::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Loaded);
    assert_eq!(bank::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Unchanged);
    let loads = command_calls(&mut con, "function|load");
    assert_eq!(bank::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Unchanged);
    assert_eq!(command_calls(&mut con, "function|load"), loads, "Unchanged sends no FUNCTION LOAD");
    function_load(&mut con, FOREIGN_BANK_WITHOUT_TRANSFER, true);
    assert_eq!(bank::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Replaced);
    assert_eq!(bank::LIBRARY.server_code(&mut con).unwrap().as_deref(), Some(bank::LUA.as_bytes()));
    assert_eq!(bank::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Unchanged);
    // After FUNCTION FLUSH it is missing again.
    flush(&mut con, "FUNCTION", None);
    assert_eq!(bank::LIBRARY.server_code(&mut con).unwrap(), None);
    assert_eq!(bank::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Loaded);
}

#[test]
fn a_foreign_bank_without_transfer_is_replaced_by_the_next_call() {
    // The other code has no `transfer`: FCALL says "Function not found", so the call
    // loads its own library (replacing the other one, which redlua did not generate) and
    // runs once.
    let (_server, mut con) = server();
    set(&mut con, "acct:{f}:a", 100);
    assert!(bank::transfer("acct:{f}:a", "acct:{f}:b", 10).call(&mut con).unwrap());
    function_load(&mut con, FOREIGN_BANK_WITHOUT_TRANSFER, true);
    assert_eq!(function_list(&mut con).get("bank"), Some(&names(&["audit"])));
    let loads = command_calls(&mut con, "function|load");

    assert!(bank::transfer("acct:{f}:a", "acct:{f}:b", 10).call(&mut con).unwrap());
    assert_eq!(get_int(&mut con, "acct:{f}:a"), Some(80), "each transfer ran once");
    assert_eq!(get_int(&mut con, "acct:{f}:b"), Some(20));
    assert_eq!(command_calls(&mut con, "function|load"), loads + 2, "a FUNCTION LOAD that finds the other bank, then one FUNCTION LOAD REPLACE");
    assert_eq!(function_list(&mut con).get("bank"), Some(&registered("bank", &["transfer", "balance"])));
    assert_eq!(bank::LIBRARY.server_code(&mut con).unwrap().as_deref(), Some(bank::LUA.as_bytes()));
    assert_eq!(bank::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Unchanged);
}

#[test]
fn a_foreign_bank_with_a_plain_transfer_is_replaced_by_the_next_call() {
    // Hand-written code registers `transfer` only: the typed call names
    // `bank__transfer`, which it does not have, so the call loads redlua's `bank`
    // (replacing the other one) and runs it once; the other `transfer` never runs.
    let (_server, mut con) = server();
    set(&mut con, "acct:{h}:a", 100);
    function_load(&mut con, FOREIGN_BANK_WITH_TRANSFER, false);
    assert!(bank::transfer("acct:{h}:a", "acct:{h}:b", 10).call(&mut con).unwrap());
    assert_eq!(get_int(&mut con, "acct:{h}:a"), Some(90), "redlua's transfer ran");
    assert_eq!(get_int(&mut con, "acct:{h}:b"), Some(10), "the other transfer did not run");
    assert_eq!(bank::LIBRARY.server_code(&mut con).unwrap().as_deref(), Some(bank::LUA.as_bytes()));
}

#[test]
fn another_version_of_bank_runs_until_the_library_is_loaded_again() {
    // What actually happens, and what callers must know: a call reloads only when
    // the server says "Function not found". It does not check, call by call, that
    // the server's `bank` is its own version (that would cost a round trip per call).
    // So when another build of `bank` that also has `transfer` is loaded, the typed
    // call runs that version. `Library::load` (at deploy time, or after a failover)
    // sees the different code and replaces it: `Replaced`.
    let (_server, mut con) = server();
    set(&mut con, "acct:{g}:a", 100);
    assert!(bank::transfer("acct:{g}:a", "acct:{g}:b", 10).call(&mut con).unwrap());
    function_load(&mut con, OTHER_BANK_VERSION, true);

    let r = bank::transfer("acct:{g}:a", "acct:{g}:b", 10).call(&mut con);
    assert!(matches!(r, Ok(true)), "the other transfer replied 1: {r:?}");
    assert_eq!(get_int(&mut con, "acct:{g}:a"), Some(90), "the other code did not debit");
    assert_eq!(get_int(&mut con, "acct:{g}:b"), Some(1010), "the other code ran, once");
    // `balance` is missing from the other code: that call reloads redlua's library.
    assert_eq!(bank::balance("acct:{g}:a").call(&mut con).unwrap(), 90);
    assert_eq!(bank::LIBRARY.server_code(&mut con).unwrap().as_deref(), Some(bank::LUA.as_bytes()));

    // Again, restored by an explicit load this time.
    function_load(&mut con, OTHER_BANK_VERSION, true);
    assert_eq!(bank::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Replaced);
    assert!(bank::transfer("acct:{g}:a", "acct:{g}:b", 10).call(&mut con).unwrap());
    assert_eq!(get_int(&mut con, "acct:{g}:a"), Some(80));
    assert_eq!(get_int(&mut con, "acct:{g}:b"), Some(1020));
}

#[test]
fn a_function_of_the_same_name_in_another_library_never_runs_instead() {
    // Function names are global on a server. With `transfer` registered by a
    // library called `other`, `FCALL transfer` finds it; redlua's typed call names
    // `bank__transfer`, which `other` does not have, and loading `bank` is refused:
    // a typed error, and the other code does not run.
    let (_server, mut con) = server();
    function_load(&mut con, &FOREIGN_BANK_WITH_TRANSFER.replace("name=bank", "name=other"), false);
    set(&mut con, "acct:{o}:a", 100);
    let r = bank::transfer("acct:{o}:a", "acct:{o}:b", 10).call(&mut con);
    match &r {
        Err(e @ Error::FunctionNameTaken { library, function, .. }) => {
            assert_eq!((library.as_str(), function.as_str()), ("bank", "transfer"));
            assert!(e.did_not_run());
        }
        other => panic!("expected FunctionNameTaken, got {other:?}"),
    }
    assert_eq!(get_int(&mut con, "acct:{o}:a"), Some(100));
    assert_eq!(get_int(&mut con, "acct:{o}:b"), None, "the other library's transfer did not run");
}

/// A connection that counts the requests sent through it and, past `limit`,
/// fails them instead of sending them.
struct Counting<'a> {
    inner: &'a mut Connection,
    requests: usize,
    limit: usize,
    sent: Vec<String>,
}

impl<'a> Counting<'a> {
    fn new(inner: &'a mut Connection, limit: usize) -> Self {
        Counting { inner, requests: 0, limit, sent: Vec::new() }
    }

    fn count(&mut self, packed: &[u8]) -> RedisResult<()> {
        self.requests += 1;
        // The first two arguments of the RESP array, for messages: `FUNCTION LOAD`.
        let text = String::from_utf8_lossy(packed);
        let words: Vec<&str> = text.split("\r\n").skip(1).filter(|l| !l.starts_with('$')).take(2).collect();
        self.sent.push(words.join(" "));
        if self.requests > self.limit {
            return Err(std::io::Error::other(format!("more than {} requests", self.limit)).into());
        }
        Ok(())
    }
}

impl ConnectionLike for Counting<'_> {
    fn req_packed_command(&mut self, cmd: &[u8]) -> RedisResult<Value> {
        self.count(cmd)?;
        self.inner.req_packed_command(cmd)
    }

    fn req_packed_commands(&mut self, cmd: &[u8], offset: usize, count: usize) -> RedisResult<Vec<Value>> {
        self.count(cmd)?;
        self.inner.req_packed_commands(cmd, offset, count)
    }

    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }

    fn check_connection(&mut self) -> bool {
        self.inner.check_connection()
    }

    fn is_open(&self) -> bool {
        self.inner.is_open()
    }
}

#[test]
fn loading_a_library_whose_function_name_is_taken_fails_once() {
    // `other` owns the function name `balance`. bank::transfer is not found, so the
    // call loads `bank`, which the server refuses: "ERR Function balance already
    // exists". That must come back as a typed error after one attempt, not be taken
    // for a lost race with another client loading the same library.
    let (_server, mut con) = server();
    function_load(&mut con, "#!lua name=other\nredis.register_function('balance', function() return 7 end)\n", false);
    set(&mut con, "acct:{t}:a", 100);
    let mut counting = Counting::new(&mut con, 50);
    let r = bank::transfer("acct:{t}:a", "acct:{t}:b", 10).call(&mut counting);
    let (requests, sent) = (counting.requests, counting.sent.clone());
    assert!(requests <= 4, "{requests} requests for one call: {:?} ...", &sent[..sent.len().min(8)]);
    match &r {
        Err(Error::FunctionNameTaken { function, detail, .. }) => assert!(function == "balance" && detail.contains("balance"), "{detail}"),
        other => panic!("expected the server's refusal, got {other:?}"),
    }
    assert_eq!(get_int(&mut con, "acct:{t}:a"), Some(100), "nothing ran");

    // The same through Library::load, with `transfer` owned by `other`.
    flush(&mut con, "FUNCTION", None);
    function_load(&mut con, &FOREIGN_BANK_WITH_TRANSFER.replace("name=bank", "name=other"), false);
    let mut counting = Counting::new(&mut con, 50);
    let r = bank::LIBRARY.load(&mut counting);
    let (requests, sent) = (counting.requests, counting.sent.clone());
    assert!(requests <= 3, "{requests} requests for one load: {:?} ...", &sent[..sent.len().min(8)]);
    assert!(matches!(&r, Err(Error::FunctionNameTaken { function, .. }) if function == "transfer"), "{r:?}");
}

#[test]
fn transfer_of_zero_or_a_negative_amount_is_rejected() {
    let (_server, mut con) = server();
    set(&mut con, "acct:{z}:a", 100);
    // On a server without the library: the call loads it, then the function refuses.
    for amount in [0, -1, -100] {
        match bank::transfer("acct:{z}:a", "acct:{z}:b", amount).call(&mut con) {
            Err(Error::Rejected { message }) => assert_eq!(message, "amount must be positive"),
            other => panic!("transfer of {amount}: expected Error::Rejected, got {other:?}"),
        }
        flush(&mut con, "FUNCTION", None);
    }
    assert_eq!(get_int(&mut con, "acct:{z}:a"), Some(100));
    assert_eq!(get_int(&mut con, "acct:{z}:b"), None);
    let e = bank::transfer("acct:{z}:a", "acct:{z}:b", 0).call(&mut con).unwrap_err();
    assert_eq!(e.to_string(), "rejected by the function: amount must be positive");
}

#[test]
fn an_integer_beyond_2_pow_53_is_refused_before_any_round_trip() {
    let (_server, mut con) = server();
    set(&mut con, "acct:{i}:a", 100);
    let big = 1_i64 << 53;
    let mut counting = Counting::new(&mut con, 1_000);
    let refused: Vec<(&str, Result<(), Error>)> = vec![
        ("transfer 2^53", bank::transfer("acct:{i}:a", "acct:{i}:b", big).call(&mut counting).map(drop)),
        ("transfer -2^53", bank::transfer("acct:{i}:a", "acct:{i}:b", -big).call(&mut counting).map(drop)),
        ("transfer i64::MAX", bank::transfer("acct:{i}:a", "acct:{i}:b", i64::MAX).call(&mut counting).map(drop)),
        ("transfer i64::MIN", bank::transfer("acct:{i}:a", "acct:{i}:b", i64::MIN).call(&mut counting).map(drop)),
        ("capped_increment max 2^53", capped_increment("c:{i}", big).call(&mut counting).map(drop)),
        ("fixed_window window 2^60", fixed_window("r:{i}", 1, 1 << 60).call(&mut counting).map(drop)),
        ("acquire ttl 2^53+1", locks::acquire("l:{i}", "w", big + 1).call(&mut counting).map(drop)),
    ];
    for (what, r) in &refused {
        assert!(matches!(r, Err(Error::Argument { .. })), "{what}: {r:?}");
    }
    assert_eq!(counting.requests, 0, "sent: {:?}", counting.sent);
    // The largest exact integers are sent: nothing moves, since 100 < 2^53 - 1.
    assert!(!bank::transfer("acct:{i}:a", "acct:{i}:b", big - 1).call(&mut counting).unwrap());
    assert!(counting.requests > 0);
    assert_eq!(capped_increment("c:{i}", -(big - 1)).call(&mut counting).unwrap(), 0);
    assert_eq!(get_int(&mut con, "acct:{i}:a"), Some(100));
    assert_eq!(command_calls(&mut con, "fcall"), 2, "one FCALL not found, one run");
}

#[test]
fn concurrent_callers_and_flushes_never_run_a_call_twice() {
    // Four clients call while a fifth flushes functions and scripts in a loop. A call
    // may fail with NotLoaded (flushed again between its load and its retry: it is
    // retried once, not forever), but a call that replied ran exactly once and a
    // call that failed did not run: the data match the replies.
    let (server, mut con) = server();
    set(&mut con, "acct:{c}:src", 1_000_000);
    let stop = Arc::new(AtomicBool::new(false));
    let flusher = {
        let stop = stop.clone();
        let mut fcon = server.connection().expect("connect");
        thread::spawn(move || {
            let mut flushes = 0;
            while !stop.load(Ordering::Relaxed) {
                flush(&mut fcon, if flushes % 2 == 0 { "FUNCTION" } else { "SCRIPT" }, None);
                flushes += 1;
                thread::sleep(Duration::from_micros(300));
            }
            flushes
        })
    };
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let mut wcon = server.connection().expect("connect");
            thread::spawn(move || {
                let (dst, counter) = (format!("acct:{{c}}:dst{t}"), format!("capped:{{c}}:{t}"));
                let (mut moved, mut counted, mut not_loaded) = (0_i64, 0_i64, 0);
                for _ in 0..150 {
                    match bank::transfer("acct:{c}:src", dst.as_str(), 1).call(&mut wcon) {
                        Ok(true) => moved += 1,
                        Err(Error::NotLoaded { .. }) => not_loaded += 1,
                        other => panic!("worker {t}: transfer: {other:?}"),
                    }
                    match capped_increment(counter.as_str(), 1_000_000).call(&mut wcon) {
                        Ok(n) => {
                            counted += 1;
                            assert_eq!(n, counted, "worker {t}: a capped_increment ran twice or a failed one ran");
                        }
                        Err(Error::NotLoaded { .. }) => not_loaded += 1,
                        other => panic!("worker {t}: capped_increment: {other:?}"),
                    }
                }
                (t, moved, counted, not_loaded)
            })
        })
        .collect();
    let results: Vec<_> = workers.into_iter().map(|w| w.join().expect("worker")).collect();
    stop.store(true, Ordering::Relaxed);
    let flushes = flusher.join().expect("flusher");
    assert!(flushes > 10, "only {flushes} flushes");
    let mut total = 0;
    for (t, moved, counted, _) in &results {
        assert_eq!(get_int(&mut con, &format!("acct:{{c}}:dst{t}")).unwrap_or(0), *moved, "worker {t}: transfers");
        assert_eq!(get_int(&mut con, &format!("capped:{{c}}:{t}")).unwrap_or(0), *counted, "worker {t}: increments");
        total += moved;
    }
    assert_eq!(get_int(&mut con, "acct:{c}:src"), Some(1_000_000 - total));
    let ok: i64 = results.iter().map(|r| r.1 + r.2).sum();
    assert!(ok > 600, "most calls must succeed: {results:?}");
}

// ---------------------------------------------------------------------------------------
// Two versions of one library sharing a server

/// Version 1 of `duo`: `shared` and `only_v1`.
#[redlua::library(name = "duo", separate_server)] // likewise
mod duo_v1 {
    use redlua::prelude::*;

    #[redis_function]
    pub fn shared(k: Key) -> i64 {
        incr(&k)
    }

    #[redis_function]
    pub fn only_v1(k: Key) -> i64 {
        incr_by(&k, 10)
    }
}

/// Version 2 of `duo`: `shared` and `only_v2` (it dropped `only_v1`).
#[redlua::library(name = "duo", separate_server)] // another version of `duo`, never on a server with version 1
mod duo_v2 {
    use redlua::prelude::*;

    #[redis_function]
    pub fn shared(k: Key) -> i64 {
        incr(&k)
    }

    #[redis_function]
    pub fn only_v2(k: Key) -> i64 {
        incr_by(&k, 100)
    }
}

/// Version 3 of `duo`: every function of versions 1 and 2.
#[redlua::library(name = "duo", separate_server)] // likewise
mod duo_v3 {
    use redlua::prelude::*;

    #[redis_function]
    pub fn shared(k: Key) -> i64 {
        incr(&k)
    }

    #[redis_function]
    pub fn only_v1(k: Key) -> i64 {
        incr_by(&k, 10)
    }

    #[redis_function]
    pub fn only_v2(k: Key) -> i64 {
        incr_by(&k, 100)
    }
}

#[test]
fn after_a_flush_a_call_recovers_in_three_round_trips() {
    let (_server, mut con) = server();
    duo_v1::LIBRARY.load(&mut con).unwrap();
    flush(&mut con, "FUNCTION", None);
    let (loads, lists) = (command_calls(&mut con, "function|load"), command_calls(&mut con, "function|list"));
    let mut counting = CountingCon { inner: &mut con, requests: 0 };
    assert_eq!(duo_v1::only_v1("duo:{a}").call(&mut counting).unwrap(), 10);
    assert_eq!(counting.requests, 3, "the call, FUNCTION LOAD, the call again");
    assert_eq!(command_calls(&mut con, "function|load"), loads + 1);
    assert_eq!(command_calls(&mut con, "function|list"), lists, "no FUNCTION LIST");
    assert_eq!(get_int(&mut con, "duo:{a}"), Some(10), "ran once");
}

#[test]
fn two_versions_calling_alternately_never_replace_each_other() {
    // Version 1 and version 2 each lack a function of the other. The version on the
    // server stays: the other one's calls of its missing function fail (NotLoaded,
    // nothing ran) rather than replacing it on every call.
    let (_server, mut con) = server();
    assert_eq!(duo_v1::only_v1("duo:{b}:1").call(&mut con).unwrap(), 10, "loaded where missing");
    for round in 1..=5i64 {
        assert_eq!(duo_v1::only_v1("duo:{b}:1").call(&mut con).unwrap(), 10 * (round + 1));
        let r = duo_v2::only_v2("duo:{b}:2").call(&mut con);
        assert!(matches!(&r, Err(Error::NotLoaded { detail, .. }) if detail.contains("only_v1")), "round {round}: {r:?}");
        // A function both versions have runs the server's version.
        assert_eq!(duo_v2::shared("duo:{b}:s").call(&mut con).unwrap(), round);
    }
    assert_eq!(get_int(&mut con, "duo:{b}:2"), None, "only_v2 never ran");
    assert_eq!(duo_v1::LIBRARY.server_code(&mut con).unwrap().as_deref(), Some(duo_v1::LUA.as_bytes()), "version 1 stayed");

    // A version with every function of the server's replaces it, and both older
    // versions' calls then find their functions: no war either.
    assert_eq!(duo_v3::only_v2("duo:{b}:2").call(&mut con).unwrap(), 100);
    assert_eq!(duo_v3::LIBRARY.server_code(&mut con).unwrap().as_deref(), Some(duo_v3::LUA.as_bytes()));
    let loads = command_calls(&mut con, "function|load");
    for round in 1..=3i64 {
        assert_eq!(duo_v1::only_v1("duo:{b}:1").call(&mut con).unwrap(), 60 + 10 * round);
        assert_eq!(duo_v2::only_v2("duo:{b}:2").call(&mut con).unwrap(), 100 + 100 * round);
    }
    assert_eq!(command_calls(&mut con, "function|load"), loads, "nothing loaded again");

    // An explicit load decides: version 2 now, and version 1's own function fails.
    assert_eq!(duo_v2::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Replaced);
    let r = duo_v1::only_v1("duo:{b}:1").call(&mut con);
    assert!(matches!(&r, Err(Error::NotLoaded { detail, .. }) if detail.contains("only_v2")), "{r:?}");
    assert_eq!(get_int(&mut con, "duo:{b}:1"), Some(90), "the refused call did not run");
}

/// Counts the requests a connection sends.
struct CountingCon<'a> {
    inner: &'a mut Connection,
    requests: u64,
}

impl ConnectionLike for CountingCon<'_> {
    fn req_packed_command(&mut self, cmd: &[u8]) -> RedisResult<Value> {
        self.requests += 1;
        self.inner.req_packed_command(cmd)
    }
    fn req_packed_commands(&mut self, cmd: &[u8], offset: usize, count: usize) -> RedisResult<Vec<Value>> {
        self.requests += 1;
        self.inner.req_packed_commands(cmd, offset, count)
    }
    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }
    fn check_connection(&mut self) -> bool {
        self.inner.check_connection()
    }
    fn is_open(&self) -> bool {
        self.inner.is_open()
    }
}
