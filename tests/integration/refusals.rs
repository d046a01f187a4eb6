//! A call that ran is never reported as "did not run", and never sent a second time, whatever
//! error it ends with (issue 13, problem 4).
//!
//! The server refuses a call it does not run with a few error codes (`BUSY`, `NOSCRIPT`,
//! `OOM`, ...) and, for `FCALL` of a function it does not have, with `ERR Function not
//! found`. The compiler keeps `reject!` away from those codes and that text (UI cases in
//! `tests/ui/reserved-error-code`). What is left is an error *raised* while the body runs:
//! redlua's own functions raise only `ERR` errors and the codes of failing commands, but the
//! runtime must not depend on that. So these tests call hand-written code, loaded through the
//! lower-level API, that increments a counter and then raises each refusal code (or the
//! exact text `ERR Function not found`) as a run-time error: the counter proves the body ran
//! exactly once, and the caller must be told it ran — sync, async, in a pipeline and in a
//! transaction, for a library function and for a script.

use redlua::__private::Args;
use redlua::testing::TestServer;
use redlua::{Error, FunctionCall, Library, Pipeline, Script, ScriptCall};

/// Every code the runtime or redis-rs reads as "the server refused the call", and the text
/// of the missing-function refusal.
const RAISED: [&str; 16] = [
    "NOSCRIPT raised after a write",
    "BUSY raised after a write",
    "LOADING raised after a write",
    "NOPERM raised after a write",
    "READONLY raised after a write",
    "MOVED 3999 127.0.0.1:6381",
    "ASK 3999 127.0.0.1:6381",
    "TRYAGAIN raised after a write",
    "CLUSTERDOWN raised after a write",
    "MASTERDOWN raised after a write",
    "OOM raised after a write",
    "NOREPLICAS raised after a write",
    "EXECABORT raised after a write",
    "MISCONF raised after a write",
    "CROSSSLOT raised after a write",
    "ERR Function not found",
];

/// A library as redlua registers one (plain name and the name its typed calls use), whose
/// function increments `KEYS[1]` and then raises the error reply `ARGV[1]`.
const RAISING_LUA: &str = "#!lua name=raising
local function raise(keys, args)
  redis.call('INCR', keys[1])
  error({err = args[1]})
end
redis.register_function{function_name='raise', callback=raise}
redis.register_function{function_name='raising__raise', callback=raise}
";

/// The same body as an EVAL script.
const RAISING_SCRIPT: &str = "#!lua
redis.call('INCR', KEYS[1])
error({err = ARGV[1]})
";

static RAISING: Library = Library::__new("raising", RAISING_LUA, "hand-written", "refusals.rs", &[], &[]);

fn raise(counter: &str, error: &str) -> FunctionCall<i64> {
    let mut args = Args::new(1, 1);
    args.key(&counter);
    args.arg(&error);
    FunctionCall::__new(&RAISING, "raise", false, args)
}

/// The script, with the SHA1 the server gives its code.
fn raising_script(server: &TestServer) -> &'static Script {
    let mut con = server.connection().unwrap();
    let sha1: String = redis::cmd("SCRIPT").arg("LOAD").arg(RAISING_SCRIPT).query(&mut con).unwrap();
    redis::cmd("SCRIPT").arg("FLUSH").exec(&mut con).unwrap();
    Box::leak(Box::new(Script::__new("raising_script", RAISING_SCRIPT, Box::leak(sha1.into_boxed_str()), "refusals.rs", &[], false, 1, 1, &[])))
}

fn raise_script(script: &'static Script, counter: &str, error: &str) -> ScriptCall<i64> {
    let mut args = Args::new(1, 1);
    args.key(&counter);
    args.arg(&error);
    ScriptCall::__new(script, args)
}

fn count(con: &mut redis::Connection, key: &str) -> i64 {
    redis::cmd("GET").arg(key).query::<Option<i64>>(con).unwrap().unwrap_or(0)
}

/// The caller is told the call ran: not a refusal, not "not loaded".
fn assert_ran(what: &str, r: Result<i64, Error>) {
    match r {
        Ok(v) => panic!("{what}: replied {v}, expected the raised error"),
        Err(e) => {
            assert!(!e.did_not_run(), "{what}: reported as not run: {e:?}");
            assert!(
                matches!(e, Error::Redis(_) | Error::Script { .. }),
                "{what}: expected Error::Redis or Error::Script (the call ran), got {e:?}"
            );
        }
    }
}

#[test]
fn a_library_function_that_raises_a_refusal_code_after_writing_ran_once() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    for (i, error) in RAISED.iter().enumerate() {
        let counter = format!("single:{i}");
        assert_ran(error, raise(&counter, error).call(&mut con));
        assert_eq!(count(&mut con, &counter), 1, "{error}: the body ran {} times", count(&mut con, &counter));
    }
}

#[test]
fn a_script_that_raises_a_refusal_code_after_writing_ran_once() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let script = raising_script(&server);
    for (i, error) in RAISED.iter().enumerate() {
        let counter = format!("script:{i}");
        assert_ran(error, raise_script(script, &counter, error).call(&mut con));
        assert_eq!(count(&mut con, &counter), 1, "{error}: the script ran {} times", count(&mut con, &counter));
    }
}

#[tokio::test]
async fn async_calls_that_raise_a_refusal_code_after_writing_ran_once() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let mut acon = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    let script = raising_script(&server);
    for (i, error) in RAISED.iter().enumerate() {
        let (f, s) = (format!("async:f:{i}"), format!("async:s:{i}"));
        assert_ran(error, raise(&f, error).call_async(&mut acon).await);
        assert_ran(error, raise_script(script, &s, error).call_async(&mut acon).await);
        assert_eq!((count(&mut con, &f), count(&mut con, &s)), (1, 1), "{error}");
    }
}

#[test]
fn pipeline_entries_that_raise_a_refusal_code_after_writing_ran_once() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let script = raising_script(&server);
    for atomic in [false, true] {
        let mut pipe = Pipeline::new();
        if atomic {
            pipe.atomic();
        }
        let mut handles = Vec::new();
        for (i, error) in RAISED.iter().enumerate() {
            let f = pipe.add(raise(&format!("pipe:{atomic}:f:{i}"), error));
            let s = pipe.add(raise_script(script, &format!("pipe:{atomic}:s:{i}"), error));
            handles.push((f, s));
        }
        let replies = pipe.query(&mut con).unwrap();
        assert!(replies.resent().is_empty(), "atomic {atomic}: resent {:?}", replies.resent());
        for (i, (error, (f, s))) in RAISED.iter().zip(handles).enumerate() {
            let what = format!("{error} (atomic: {atomic})");
            assert_ran(&what, replies.get(f));
            assert_ran(&what, replies.get(s));
            let runs = (count(&mut con, &format!("pipe:{atomic}:f:{i}")), count(&mut con, &format!("pipe:{atomic}:s:{i}")));
            assert_eq!(runs, (1, 1), "{what}: runs of the function and of the script");
        }
    }
}

#[tokio::test]
async fn async_pipelines_that_raise_a_refusal_code_after_writing_ran_once() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let mut acon = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    for atomic in [false, true] {
        let mut pipe = Pipeline::new();
        if atomic {
            pipe.atomic();
        }
        let handles: Vec<_> = RAISED.iter().enumerate().map(|(i, e)| pipe.add(raise(&format!("apipe:{atomic}:{i}"), e))).collect();
        let replies = pipe.query_async(&mut acon).await.unwrap();
        assert!(replies.resent().is_empty(), "atomic {atomic}: resent {:?}", replies.resent());
        for (i, (error, h)) in RAISED.iter().zip(handles).enumerate() {
            assert_ran(&format!("{error} (atomic: {atomic})"), replies.get(h));
            assert_eq!(count(&mut con, &format!("apipe:{atomic}:{i}")), 1, "{error} (atomic: {atomic})");
        }
    }
}

/// The server's own refusals are still recognised: a lost function is loaded and the call
/// sent once more, and a script out of the cache too.
#[test]
fn the_servers_refusals_are_still_recognised() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let script = raising_script(&server);
    // Not loaded yet: `ERR Function not found` and `NOSCRIPT`, then loaded and run once.
    let r = raise("missing:f", "NOFUNDS after a write").call(&mut con);
    assert!(matches!(&r, Err(Error::Redis(e)) if e.code() == Some("NOFUNDS")), "{r:?}");
    let r = raise_script(script, "missing:s", "NOFUNDS after a write").call(&mut con);
    assert!(matches!(&r, Err(Error::Redis(e)) if e.code() == Some("NOFUNDS")), "{r:?}");
    assert_eq!((count(&mut con, "missing:f"), count(&mut con, "missing:s")), (1, 1));
    // A refusal before the body runs: a function that may write, on a server out of memory.
    redis::cmd("CONFIG").arg("SET").arg("maxmemory").arg("1").exec(&mut con).unwrap();
    let e = raise("oom", "NOFUNDS after a write").call(&mut con).unwrap_err();
    assert!(e.did_not_run() && e.redis_error().and_then(|e| e.code()) == Some("OOM"), "{e:?}");
    redis::cmd("CONFIG").arg("SET").arg("maxmemory").arg("0").exec(&mut con).unwrap();
    assert_eq!(count(&mut con, "oom"), 0);
}

// ---------------------------------------------------------------------------------------
// Function names are global to a server (issue 13, problem 5): a typed call never runs
// another library's function of the same name.

/// Two libraries of this crate that both have `status`: in one crate that is a compile
/// error (`tests/ui/function-name/two-libraries-one-function.rs`), so both say they never
/// share a server with the other — which is what these tests then do, as two crates would.
#[redlua::library(name = "billing", separate_server)]
mod billing {
    use redlua::prelude::*;

    #[redis_function]
    pub fn status(calls: Key) -> String {
        incr(&calls);
        "billing".to_string()
    }
}

#[redlua::library(name = "shipping", separate_server)]
mod shipping {
    use redlua::prelude::*;

    #[redis_function]
    pub fn status(calls: Key) -> String {
        incr(&calls);
        "shipping".to_string()
    }

    #[redis_function(read_only)]
    pub fn version() -> i64 {
        2
    }
}

/// `status` as another team's hand-written library (or an older redlua build) registers it:
/// under its plain name only.
const HAND_WRITTEN_STATUS: &str = "#!lua name=legacy
redis.register_function('status', function(keys, args)
  redis.call('INCR', keys[1])
  return 'legacy'
end)
";

fn assert_taken<T: std::fmt::Debug>(what: &str, r: Result<T, Error>) {
    match r {
        Err(e @ Error::FunctionNameTaken { .. }) => {
            let Error::FunctionNameTaken { library, function, .. } = &e else { unreachable!() };
            assert_eq!((library.as_str(), function.as_str()), ("shipping", "status"), "{what}");
            assert!(e.did_not_run(), "{what}");
            assert!(e.to_string().contains("`status`"), "{what}: {e}");
        }
        other => panic!("{what}: expected Error::FunctionNameTaken, got {other:?}"),
    }
}

/// Every way of calling `shipping::status` on a server where `billing` or the hand-written
/// library holds `status`: a typed error, and the other library's code never runs.
async fn calls_fail_without_running_the_other_library(server: &TestServer, owner_calls: &str) {
    let mut con = server.connection().unwrap();
    let mut acon = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    let before = count(&mut con, owner_calls);
    assert_taken("call", shipping::status(owner_calls).call(&mut con));
    assert_taken("call_async", shipping::status(owner_calls).call_async(&mut acon).await);
    // A pipeline checks its libraries first: nothing of it is sent.
    let mut pipe = Pipeline::new();
    pipe.add(shipping::version());
    pipe.add(shipping::status(owner_calls));
    assert_taken("pipeline", pipe.query(&mut con).map(|_| ()));
    let mut tx = Pipeline::new();
    tx.atomic();
    tx.add(shipping::status(owner_calls));
    assert_taken("transaction", tx.query_async(&mut acon).await.map(|_| ()));
    // Without the check, the entry fails on its own, and the others keep their replies.
    let mut optimistic = Pipeline::new();
    optimistic.assume_loaded();
    let s = optimistic.add(shipping::status(owner_calls));
    let replies = optimistic.query(&mut con).unwrap();
    assert_taken("pipeline, assume_loaded", replies.get(s));
    assert!(replies.resent().is_empty());
    // A transaction without the check: the entry did not run (it is not sent again outside
    // the transaction).
    let mut tx = Pipeline::new();
    tx.atomic().assume_loaded();
    let s = tx.add(shipping::status(owner_calls));
    let replies = tx.query(&mut con).unwrap();
    let e = replies.get(s).unwrap_err();
    assert!(e.did_not_run(), "transaction, assume_loaded: {e:?}");
    assert_eq!(count(&mut con, owner_calls), before, "the other library's `status` ran");
    // The owner's own calls still work, and the plain name still reaches it.
    let plain: String = redis::cmd("FCALL").arg("status").arg(1).arg("plain").query(&mut con).unwrap();
    assert_ne!(plain, "shipping");
}

#[tokio::test]
async fn a_function_name_held_by_another_redlua_library_is_a_typed_error() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    assert_eq!(billing::status("billing:calls").call(&mut con).unwrap(), "billing");
    calls_fail_without_running_the_other_library(&server, "billing:calls").await;
    assert_eq!(billing::status("billing:calls").call(&mut con).unwrap(), "billing");
    assert_eq!(count(&mut con, "billing:calls"), 2);
}

#[tokio::test]
async fn a_function_name_held_by_a_hand_written_library_is_a_typed_error() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    redis::cmd("FUNCTION").arg("LOAD").arg(HAND_WRITTEN_STATUS).exec(&mut con).unwrap();
    calls_fail_without_running_the_other_library(&server, "legacy:calls").await;
    assert_eq!(count(&mut con, "legacy:calls"), 0);
}

#[test]
fn the_library_loaded_first_keeps_the_name_and_each_runs_its_own_code_on_its_own_server() {
    let (one, two) = (TestServer::start().unwrap(), TestServer::start().unwrap());
    let (mut a, mut b) = (one.connection().unwrap(), two.connection().unwrap());
    assert_eq!(shipping::status("calls").call(&mut a).unwrap(), "shipping");
    assert_eq!(billing::status("calls").call(&mut b).unwrap(), "billing");
    // On the first server, `billing` cannot load: `shipping` holds `status`.
    let e = billing::status("calls").call(&mut a).unwrap_err();
    assert!(matches!(&e, Error::FunctionNameTaken { library, function, .. } if library == "billing" && function == "status"), "{e:?}");
    assert!(matches!(billing::LIBRARY.load(&mut a), Err(Error::FunctionNameTaken { .. })));
    assert_eq!((count(&mut a, "calls"), count(&mut b, "calls")), (1, 1));
}
