//! `redlua::Pipeline` on a real redis-server: code made present before sending,
//! recovery that re-sends only the calls that did not run, and transactions
//! (MULTI/EXEC) that never run a call twice nor drop one silently.
//!
//! Every call adds 1 to a counter on the server, so the counters say how many times
//! each call ran.

#[path = "runtime_support.rs"]
mod support;

use redis::Value;
use redlua::events::{self, Event, Trigger};
use redlua::{Error, LibraryStatus, Pipeline};
use std::sync::{Arc, Mutex};
use support::counters;
use support::scripts::rt_bump_script;
use support::*;

/// A pipeline of 3 library calls, 2 script calls and 2 plain commands, on counters
/// `c:lib`, `c:script` and `c:plain`.
fn mixed() -> (Pipeline, Vec<usize>) {
    let mut pipe = Pipeline::new();
    let handles = vec![
        pipe.add(counters::bump("c:lib", 1)).index(),
        pipe.add(rt_bump_script("c:script", 1)).index(),
        pipe.add_command::<i64>(redis::cmd("INCR").arg("c:plain").to_owned()).index(),
        pipe.add(counters::bump("c:lib", 1)).index(),
        pipe.add(rt_bump_script("c:script", 1)).index(),
        pipe.add_command::<i64>(redis::cmd("INCR").arg("c:plain").to_owned()).index(),
        pipe.add(counters::bump("c:lib", 1)).index(),
    ];
    (pipe, handles)
}

fn assert_counts(con: &mut redis::Connection, lib: i64, script: i64, plain: i64) {
    assert_eq!(get_int(con, "c:lib"), lib, "library calls");
    assert_eq!(get_int(con, "c:script"), script, "script calls");
    assert_eq!(get_int(con, "c:plain"), plain, "plain commands");
}

#[test]
fn a_pipeline_loads_what_is_missing_before_sending_and_types_each_reply() {
    let (_server, mut con) = server();
    let loads = Arc::new(Mutex::new(Vec::new()));
    let seen = loads.clone();
    // Handlers run on the calling thread: keep the events of this test only.
    let me = std::thread::current().id();
    let _sub = events::subscribe(move |e| {
        if std::thread::current().id() != me {
            return;
        }
        if let Event::LibraryLoaded { library: "rt_counters", trigger, .. } | Event::ScriptLoaded { script: "rt_bump_script", trigger, .. } = e {
            seen.lock().unwrap().push(*trigger);
        }
    });
    let mut pipe = Pipeline::new();
    let a = pipe.add(counters::bump("c:lib", 5));
    let b = pipe.add(rt_bump_script("c:script", 2));
    let c = pipe.add(counters::read("c:lib"));
    let d = pipe.add_command::<String>(redis::cmd("PING"));
    let replies = pipe.query(&mut con).unwrap();
    assert_eq!(replies.get(a).unwrap(), 5);
    assert_eq!(replies.get(b).unwrap(), 2);
    assert_eq!(replies.get(c).unwrap(), 5);
    assert_eq!(replies.get(d).unwrap(), "PONG");
    assert!(replies.resent().is_empty(), "nothing was missing once sent");
    assert_eq!(counters::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Current);
    assert_eq!(*loads.lock().unwrap(), vec![Trigger::Pipeline, Trigger::Pipeline]);

    // Everything present: the check loads nothing, and the calls each run once.
    let fcalls = command_calls(&mut con, "fcall");
    let replies = pipe.query(&mut con).unwrap();
    assert_eq!(replies.get(a).unwrap(), 10);
    assert_eq!(command_calls(&mut con, "fcall"), fcalls + 1);
    assert_eq!(loads.lock().unwrap().len(), 2, "no load when the server has the code");
}

#[test]
fn after_function_flush_the_check_reloads_and_every_call_runs_once() {
    let (_server, mut con) = server();
    let (pipe, _) = mixed();
    pipe.query(&mut con).unwrap();
    assert_counts(&mut con, 3, 2, 2);
    flush_code(&mut con);
    let replies = pipe.query(&mut con).unwrap();
    assert!(replies.results().iter().all(|r| r.is_ok()), "{:?}", replies.results());
    assert!(replies.resent().is_empty());
    assert_counts(&mut con, 6, 4, 4);
}

#[test]
fn code_lost_between_check_and_send_is_reloaded_and_only_the_missing_calls_are_resent() {
    let (server, mut con) = server();
    let (pipe, idx) = mixed();
    pipe.query(&mut con).unwrap();
    assert_counts(&mut con, 3, 2, 2);
    // Request 1 is the check (all present), request 2 the batch: flush right before it.
    let mut flushing = FlushAt::new(&server, &mut con, &[2]);
    let replies = pipe.query(&mut flushing).unwrap();
    let requests = flushing.requests;
    // check, batch, reload (FUNCTION LOAD, SCRIPT LOAD), resend
    assert_eq!(requests, 5, "one round trip per step");
    let calls: Vec<usize> = vec![idx[0], idx[1], idx[3], idx[4], idx[6]];
    assert_eq!(replies.resent(), calls.as_slice(), "exactly the calls were re-sent, in order");
    // Every call ran exactly once; the plain commands were not repeated.
    assert_counts(&mut con, 6, 4, 4);
    // The re-sent calls ran after the plain commands: their replies show it.
    let values: Vec<i64> = replies.results().iter().map(|r| match r {
        Ok(Value::Int(n)) => *n,
        other => panic!("{other:?}"),
    }).collect();
    assert_eq!(values, vec![4, 3, 3, 5, 4, 4, 6]);
}

#[test]
fn without_the_check_a_pipeline_still_runs_every_call_once() {
    let (_server, mut con) = server();
    let (mut pipe, _) = mixed();
    pipe.assume_loaded();
    let replies = pipe.query(&mut con).unwrap();
    assert_eq!(replies.resent(), &[0, 1, 3, 4, 6]);
    assert_counts(&mut con, 3, 2, 2);
    // Now loaded: nothing re-sent.
    let replies = pipe.query(&mut con).unwrap();
    assert!(replies.resent().is_empty());
    assert_counts(&mut con, 6, 4, 4);
}

#[test]
fn a_rejected_call_or_failing_command_keeps_the_other_replies() {
    let (_server, mut con) = server();
    redis::cmd("SET").arg("c:str").arg("text").exec(&mut con).unwrap();
    let mut pipe = Pipeline::new();
    let a = pipe.add(counters::bump_positive("c:lib", 1));
    let b = pipe.add(counters::bump_positive("c:lib", -1));
    let c = pipe.add_command::<i64>(redis::cmd("INCR").arg("c:str").to_owned());
    let d = pipe.add(counters::bump_positive("c:lib", 1));
    let replies = pipe.query(&mut con).unwrap();
    assert_eq!(replies.get(a).unwrap(), 1);
    assert!(matches!(replies.get(b), Err(Error::Rejected { ref message }) if message == "by must not be negative"), "{:?}", replies.get(b));
    assert!(matches!(replies.get(c), Err(Error::Redis(_))), "{:?}", replies.get(c));
    assert_eq!(replies.get(d).unwrap(), 2);
}

#[test]
fn an_invalid_argument_sends_nothing() {
    let (_server, mut con) = server();
    let mut pipe = Pipeline::new();
    pipe.add(counters::bump("c:lib", 1));
    pipe.add(counters::bump("c:lib", 1 << 60));
    let before = command_calls(&mut con, "function|list");
    let r = pipe.query(&mut con);
    assert!(matches!(&r, Err(Error::Argument { message }) if message.contains("entry 1")), "{r:?}");
    assert_eq!(command_calls(&mut con, "function|list"), before, "not even the check was sent");
    assert_eq!(get_int(&mut con, "c:lib"), 0);
}

#[test]
fn a_transaction_is_checked_first_and_runs_once() {
    let (_server, mut con) = server();
    let (mut pipe, _) = mixed();
    pipe.atomic();
    let replies = pipe.query(&mut con).unwrap();
    assert!(replies.results().iter().all(|r| r.is_ok()), "{:?}", replies.results());
    assert_counts(&mut con, 3, 2, 2);
    flush_code(&mut con);
    pipe.query(&mut con).unwrap();
    assert_counts(&mut con, 6, 4, 4);
}

#[test]
fn code_lost_before_exec_runs_the_rest_of_the_transaction_and_reports_the_missing_calls() {
    let (server, mut con) = server();
    let (mut pipe, idx) = mixed();
    pipe.atomic();
    pipe.query(&mut con).unwrap();
    assert_counts(&mut con, 3, 2, 2);
    // Request 1 is the check, request 2 the transaction.
    let mut flushing = FlushAt::new(&server, &mut con, &[2]);
    let replies = pipe.query(&mut flushing).unwrap();
    // Redis ran the plain commands; the calls did not run and are not re-sent.
    assert_counts(&mut con, 3, 2, 4);
    assert!(replies.resent().is_empty());
    for (i, r) in replies.results().iter().enumerate() {
        if i == idx[2] || i == idx[5] {
            assert!(r.is_ok(), "{i}: {r:?}");
        } else {
            assert!(matches!(r, Err(Error::NotLoaded { .. })), "{i}: {r:?}");
            assert!(r.as_ref().unwrap_err().did_not_run());
        }
    }
    // The code was loaded again for the next transaction.
    assert_eq!(counters::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Current);
    assert!(rt_bump_script::SCRIPT.exists(&mut con).unwrap());
    pipe.query(&mut con).unwrap();
    assert_counts(&mut con, 6, 4, 6);
}

#[test]
fn a_command_refused_while_queueing_aborts_the_transaction_and_nothing_runs() {
    let (_server, mut con) = server();
    let mut pipe = Pipeline::new();
    pipe.atomic();
    pipe.add(counters::bump("c:lib", 1));
    pipe.add_command::<()>(redis::cmd("INCR")); // wrong number of arguments
    pipe.add_command::<i64>(redis::cmd("INCR").arg("c:plain").to_owned());
    let r = pipe.query(&mut con);
    match &r {
        Err(Error::ExecAbort { errors }) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].0, 1, "the position of the refused command: {errors:?}");
            assert!(errors[0].1.starts_with("ERR"), "{errors:?}");
        }
        other => panic!("expected ExecAbort, got {other:?}"),
    }
    assert!(r.unwrap_err().did_not_run());
    assert_eq!(get_int(&mut con, "c:lib"), 0);
    assert_eq!(get_int(&mut con, "c:plain"), 0);
}

#[test]
fn a_watched_key_changed_is_a_watch_conflict_and_nothing_runs() {
    let (server, mut con) = server();
    let mut other = server.connection().unwrap();
    redis::cmd("WATCH").arg("c:watched").exec(&mut con).unwrap();
    redis::cmd("SET").arg("c:watched").arg("changed").exec(&mut other).unwrap();
    let mut pipe = Pipeline::new();
    pipe.atomic();
    pipe.add(counters::bump("c:lib", 1));
    pipe.add_command::<i64>(redis::cmd("INCR").arg("c:plain").to_owned());
    let r = pipe.query(&mut con);
    assert!(matches!(r, Err(Error::WatchConflict)), "{r:?}");
    assert_eq!(get_int(&mut con, "c:lib"), 0);
    assert_eq!(get_int(&mut con, "c:plain"), 0);
    // Without the conflict it runs.
    pipe.query(&mut con).unwrap();
    assert_eq!(get_int(&mut con, "c:lib"), 1);
}

#[test]
fn add_to_fills_a_plain_redis_pipeline() {
    let (_server, mut con) = server();
    counters::LIBRARY.load(&mut con).unwrap();
    rt_bump_script::SCRIPT.load(&mut con).unwrap();
    let mut pipe = redis::pipe();
    counters::bump("c:lib", 2).add_to(&mut pipe);
    rt_bump_script("c:script", 3).add_to(&mut pipe);
    let (a, b): (i64, i64) = pipe.query(&mut con).unwrap();
    assert_eq!((a, b), (2, 3));
}

mod async_pipelines {
    use super::*;

    async fn multiplexed(server: &redlua::testing::TestServer) -> redis::aio::MultiplexedConnection {
        server.client().unwrap().get_multiplexed_async_connection().await.unwrap()
    }

    #[tokio::test]
    async fn code_lost_between_check_and_send_is_resent_once_over_a_multiplexed_connection() {
        let (server, mut con) = server();
        let mut acon = multiplexed(&server).await;
        let (pipe, _) = mixed();
        pipe.query_async(&mut acon).await.unwrap();
        assert_counts(&mut con, 3, 2, 2);
        let mut flushing = FlushAtAsync::new(&server, &mut acon, &[2]);
        let replies = pipe.query_async(&mut flushing).await.unwrap();
        assert_eq!(replies.resent(), &[0, 1, 3, 4, 6]);
        assert_counts(&mut con, 6, 4, 4);
    }

    #[tokio::test]
    async fn transactions_over_a_connection_manager() {
        let (server, mut con) = server();
        let mut manager = redis::aio::ConnectionManager::new(server.client().unwrap()).await.unwrap();
        let (mut pipe, idx) = mixed();
        pipe.atomic();
        pipe.query_async(&mut manager).await.unwrap();
        assert_counts(&mut con, 3, 2, 2);
        let mut flushing = FlushAtAsync::new(&server, &mut manager, &[2]);
        let replies = pipe.query_async(&mut flushing).await.unwrap();
        assert_counts(&mut con, 3, 2, 4);
        assert!(matches!(replies.results()[idx[0]], Err(Error::NotLoaded { .. })));
        // EXECABORT over async too.
        let mut bad = Pipeline::new();
        bad.atomic();
        bad.add(counters::bump("c:lib", 1));
        bad.add_command::<()>(redis::cmd("INCR"));
        let r = bad.query_async(&mut manager).await;
        assert!(matches!(&r, Err(Error::ExecAbort { errors }) if errors.len() == 1 && errors[0].0 == 1), "{r:?}");
        assert_counts(&mut con, 3, 2, 4);
    }
}

/// A pipeline of plain commands only has no code to check: it is sent as it is, plain
/// or atomic.
#[test]
fn pipelines_of_plain_commands_only() {
    let server = redlua::testing::TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for atomic in [false, true] {
        let mut p = Pipeline::new();
        if atomic {
            p.atomic();
        }
        let set = p.add_command::<()>(redis::cmd("SET").arg("plain").arg(7).clone());
        let get = p.add_command::<i64>(redis::cmd("GET").arg("plain").clone());
        let replies = p.query(&mut con).unwrap_or_else(|e| panic!("atomic {atomic}: {e}"));
        replies.get(set).unwrap();
        assert_eq!(replies.get(get).unwrap(), 7, "atomic {atomic}");
    }
}
