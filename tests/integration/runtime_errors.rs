//! Every `redlua::Error` variant, provoked for real on redis-server (EXECABORT and WATCH
//! conflicts are in `runtime_pipeline`, CROSSSLOT in `runtime_cluster`), and whether the
//! call ran, checked by counters on the server.

#[path = "runtime_support.rs"]
mod support;

use redis::Value;
use redlua::testing::TestServer;
use redlua::Error;
use std::thread;
use std::time::{Duration, Instant};
use support::counters;
use support::scripts::rt_bump_script;
use support::*;

#[test]
fn rejected_is_the_function_s_own_refusal() {
    let (_server, mut con) = server();
    let r = counters::bump_positive("c", -1).call(&mut con);
    assert!(matches!(&r, Err(Error::Rejected { message }) if message == "by must not be negative"), "{r:?}");
    assert_eq!(get_int(&mut con, "c"), 0);
}

#[test]
fn a_lua_runtime_error_is_script_with_the_rust_line() {
    let (_server, mut con) = server();
    redis::cmd("SET").arg("c").arg((1_i64 << 53) - 1).exec(&mut con).unwrap();
    let r = counters::bump("c", 1).call(&mut con);
    match &r {
        Err(Error::Script { message, location: Some(l) }) => {
            assert!(message.contains("integer overflow"), "{message}");
            assert!(l.file.ends_with("runtime_support.rs"), "{l}");
        }
        other => panic!("expected Script with a location, got {other:?}"),
    }
}

#[test]
fn not_loaded_when_the_code_is_lost_again_before_the_retry() {
    let (server, mut con) = server();
    // FCALL (1) not found, FUNCTION LOAD (2), flush, FCALL again (3).
    let mut flushing = FlushAt::new(&server, &mut con, &[3]);
    let r = counters::bump("c", 1).call(&mut flushing);
    assert_eq!(flushing.requests, 3, "sent once more, and only once");
    assert!(matches!(&r, Err(Error::NotLoaded { name, .. }) if name == "rt_counters.bump"), "{r:?}");
    assert!(r.unwrap_err().did_not_run());
    // EVALSHA (1) NOSCRIPT, SCRIPT LOAD (2), flush, EVALSHA again (3).
    let mut flushing = FlushAt::new(&server, &mut con, &[3]);
    let r = rt_bump_script("c", 1).call(&mut flushing);
    assert_eq!(flushing.requests, 3);
    assert!(matches!(&r, Err(Error::NotLoaded { name, .. }) if name == "rt_bump_script"), "{r:?}");
    assert_eq!(get_int(&mut con, "c"), 0, "nothing ran");
}

/// A library with a function that loops without writing until it is killed.
const BUSY_LIBRARY: &str = "#!lua name=rt_busy\n\
redis.register_function{function_name='rt_spin', callback=function(keys, args) while true do end end, flags={'no-writes'}}\n";

#[test]
fn busy_while_a_function_runs_past_the_time_limit_then_kill() {
    let (server, mut con) = server();
    redis::cmd("CONFIG").arg("SET").arg("busy-reply-threshold").arg(50).exec(&mut con).unwrap();
    redis::cmd("FUNCTION").arg("LOAD").arg(BUSY_LIBRARY).exec(&mut con).unwrap();
    counters::LIBRARY.load(&mut con).unwrap();
    let mut spinning = server.connection().unwrap();
    let spinner = thread::spawn(move || redis::cmd("FCALL").arg("rt_spin").arg(0).query::<Value>(&mut spinning));

    // Wait until the server answers BUSY to a redlua call.
    let deadline = Instant::now() + Duration::from_secs(10);
    let busy = loop {
        match counters::bump("c", 1).call(&mut con) {
            Err(e @ Error::Busy(_)) => break e,
            Ok(_) => {} // ran before the spin started
            Err(other) => panic!("expected BUSY, got {other:?}"),
        }
        assert!(Instant::now() < deadline, "the server never said BUSY");
        thread::sleep(Duration::from_millis(20));
    };
    assert!(busy.did_not_run());
    // FUNCTION STATS is answered while busy and names the running function.
    let stats = redlua::functions::stats(&mut con).unwrap();
    let running = stats.running.expect("a running function");
    assert_eq!(running.name, "rt_spin");
    assert_eq!(running.command, ["FCALL", "rt_spin", "0"]);
    assert!(running.duration >= Duration::from_millis(50), "{:?}", running.duration);

    assert!(redlua::functions::kill(&mut con).unwrap(), "killed");
    let spun = spinner.join().unwrap();
    assert!(spun.is_err(), "the killed call ends with an error: {spun:?}");
    assert!(!redlua::functions::kill(&mut con).unwrap(), "nothing left to kill (NOTBUSY)");
    assert_eq!(redlua::functions::stats(&mut con).unwrap().running, None);
    // The BUSY calls did not run: the counter holds only the calls that succeeded.
    let c = get_int(&mut con, "c");
    assert_eq!(counters::bump("c", 1).call(&mut con).unwrap(), c + 1);
}

#[test]
fn busy_script_is_killed_with_script_kill() {
    let (server, mut con) = server();
    redis::cmd("CONFIG").arg("SET").arg("busy-reply-threshold").arg(50).exec(&mut con).unwrap();
    let mut spinning = server.connection().unwrap();
    let spinner = thread::spawn(move || {
        redis::cmd("EVAL").arg("#!lua flags=no-writes\nwhile true do end").arg(0).query::<Value>(&mut spinning)
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match rt_bump_script("c", 1).call(&mut con) {
            Err(Error::Busy(_)) => break,
            Ok(_) => {}
            Err(other) => panic!("expected BUSY, got {other:?}"),
        }
        assert!(Instant::now() < deadline, "the server never said BUSY");
        thread::sleep(Duration::from_millis(20));
    }
    assert!(redlua::functions::kill_script(&mut con).unwrap());
    assert!(spinner.join().unwrap().is_err());
}

fn replica_of(primary: &TestServer) -> TestServer {
    // Full syncs start at once instead of after the default 5 s diskless-sync delay.
    let mut con = primary.connection().unwrap();
    redis::cmd("CONFIG").arg("SET").arg("repl-diskless-sync-delay").arg(0).exec(&mut con).unwrap();
    let port = primary.port().unwrap().to_string();
    TestServer::builder()
        .args(["--replicaof", "127.0.0.1", port.as_str()])
        .start()
        .unwrap_or_else(|e| panic!("cannot start a replica: {e}"))
}

#[test]
fn read_only_replica_refuses_writes_and_loads() {
    let (primary, mut con) = server();
    let replica = replica_of(&primary);
    let mut rcon = replica.connection().unwrap();
    // The replica has no library yet: the call does not find it, and loading it is
    // refused by the replica.
    let r = counters::bump("c", 1).call(&mut rcon);
    assert!(matches!(r, Err(Error::ReadOnlyReplica(_))), "{r:?}");
    assert!(r.unwrap_err().did_not_run());

    // Loaded on the primary, it replicates: reads run on the replica, writes are refused.
    counters::LIBRARY.load(&mut con).unwrap();
    redis::cmd("SET").arg("c").arg(7).exec(&mut con).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if counters::read("c").call(&mut rcon).ok() == Some(7) {
            break;
        }
        assert!(Instant::now() < deadline, "the replica did not sync");
        thread::sleep(Duration::from_millis(50));
    }
    let r = counters::bump("c", 1).call(&mut rcon);
    assert!(matches!(r, Err(Error::ReadOnlyReplica(_))), "{r:?}");
    assert_eq!(get_int(&mut con, "c"), 7);
}

#[test]
fn a_reply_of_another_type_is_reply() {
    // Another version of the library whose `read` replies text (registered, as redlua
    // does, under the plain name and the name of typed calls).
    let (_server, mut con) = server();
    let other = "#!lua name=rt_counters\n\
        local function read(keys, args) return 'seven' end\n\
        redis.register_function{function_name='read', callback=read, flags={'no-writes'}}\n\
        redis.register_function{function_name='rt_counters__read', callback=read, flags={'no-writes'}}\n";
    redis::cmd("FUNCTION").arg("LOAD").arg(other).exec(&mut con).unwrap();
    let r = counters::read("c").call(&mut con);
    assert!(matches!(r, Err(Error::Reply { .. })), "{r:?}");
}

#[test]
fn an_argument_beyond_lua_precision_is_argument_and_nothing_is_sent() {
    let (_server, mut con) = server();
    let before = command_calls(&mut con, "fcall");
    let r = counters::bump("c", 1 << 60).call(&mut con);
    assert!(matches!(r, Err(Error::Argument { .. })), "{r:?}");
    assert_eq!(command_calls(&mut con, "fcall"), before);
}

#[test]
fn a_dead_server_is_a_connection_error() {
    let (server, mut con) = server();
    counters::bump("c", 1).call(&mut con).unwrap();
    drop(server);
    let r = counters::bump("c", 1).call(&mut con);
    assert!(matches!(r, Err(Error::Connection(_))), "{r:?}");
    assert!(!r.unwrap_err().did_not_run(), "after a connection error the call may have run");
}

#[tokio::test]
async fn a_dead_server_is_a_connection_error_over_async() {
    let (server, _con) = server();
    let mut acon = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    counters::bump("c", 1).call_async(&mut acon).await.unwrap();
    drop(server);
    let r = counters::bump("c", 1).call_async(&mut acon).await;
    assert!(matches!(r, Err(Error::Connection(_))), "{r:?}");
}

/// Functions that loop, reading, until `stop` is set: killable (they never write).
#[redlua::library(name = "rt_spinner")]
pub mod spinner {
    use redlua::prelude::*;

    /// Loops until `stop` exists, and replies how often it looked.
    #[redis_function(read_only)]
    pub fn wait_for(stop: Key) -> i64 {
        let mut n: i64 = 0;
        while get::<i64>(&stop).is_none() {
            n += 1;
        }
        n
    }
}

/// The same as `spinner::wait_for`, as an EVAL script.
pub mod spin_script {
    use redlua::prelude::*;

    /// Loops until `stop` exists.
    #[redis_function(read_only)]
    pub fn rt_wait_script(stop: Key) -> i64 {
        let mut n: i64 = 0;
        while get::<i64>(&stop).is_none() {
            n += 1;
        }
        n
    }
}

/// Kills what runs on the server with `kill` (FUNCTION KILL or SCRIPT KILL), once it runs.
fn kill_when_busy(con: &mut redis::Connection, kill: fn(&mut redis::Connection) -> Result<bool, Error>) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !kill(con).unwrap() {
        assert!(Instant::now() < deadline, "nothing to kill");
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_function_stopped_by_function_kill_is_killed_and_did_not_run() {
    let (server, mut con) = server();
    redis::cmd("CONFIG").arg("SET").arg("busy-reply-threshold").arg(50).exec(&mut con).unwrap();
    spinner::LIBRARY.load(&mut con).unwrap();
    let mut caller = server.connection().unwrap();
    let waiting = thread::spawn(move || spinner::wait_for("stop").call(&mut caller));
    kill_when_busy(&mut con, |c| redlua::functions::kill(c));
    let r = waiting.join().unwrap();
    match &r {
        Err(e @ Error::Killed { message }) => {
            assert!(message.contains("killed"), "{message}");
            assert!(e.did_not_run(), "FUNCTION KILL stops only a function that has not written");
            assert!(e.to_string().contains("KILL"), "{e}");
        }
        other => panic!("expected Error::Killed, got {other:?}"),
    }

    // The same in a pipeline entry.
    let mut caller = server.connection().unwrap();
    let waiting = thread::spawn(move || {
        let mut pipe = redlua::Pipeline::new();
        let first = pipe.add(counters::bump("c", 1));
        let killed = pipe.add(spinner::wait_for("stop"));
        let replies = pipe.query(&mut caller).unwrap();
        (replies.get(first), replies.get(killed))
    });
    kill_when_busy(&mut con, |c| redlua::functions::kill(c));
    let (first, killed) = waiting.join().unwrap();
    assert_eq!(first.unwrap(), 1);
    assert!(matches!(&killed, Err(e @ Error::Killed { .. }) if e.did_not_run()), "{killed:?}");
}

#[test]
fn a_script_stopped_by_script_kill_is_killed_and_did_not_run() {
    let (server, mut con) = server();
    redis::cmd("CONFIG").arg("SET").arg("busy-reply-threshold").arg(50).exec(&mut con).unwrap();
    let mut caller = server.connection().unwrap();
    let waiting = thread::spawn(move || spin_script::rt_wait_script("stop").call(&mut caller));
    kill_when_busy(&mut con, |c| redlua::functions::kill_script(c));
    let r = waiting.join().unwrap();
    assert!(matches!(&r, Err(e @ Error::Killed { .. }) if e.did_not_run()), "{r:?}");
}

// ---------------------------------------------------------------------------------------
// Transactions refused by the server: no permission for MULTI or EXEC, BUSY

/// A connection as `user` (password `pw`).
fn connect_as(server: &TestServer, user: &str) -> redis::Connection {
    user_client(server, user).get_connection().unwrap()
}

fn user_client(server: &TestServer, user: &str) -> redis::Client {
    let url = server.url().replacen("redis://", &format!("redis://{user}:pw@"), 1);
    redis::Client::open(url).unwrap()
}

/// Creates (or resets) `user` with password `pw` and `rules`.
fn acl_setuser(con: &mut redis::Connection, user: &str, rules: &[&str]) {
    let mut cmd = redis::cmd("ACL");
    cmd.arg("SETUSER").arg(user).arg("reset").arg("on").arg(">pw");
    for r in rules {
        cmd.arg(*r);
    }
    cmd.exec(con).unwrap();
}

/// Two bumps of `c` as a transaction.
fn two_bumps(assume_loaded: bool) -> redlua::Pipeline {
    let mut pipe = redlua::Pipeline::new();
    pipe.atomic();
    if assume_loaded {
        pipe.assume_loaded();
    }
    pipe.add(counters::bump("c", 1));
    pipe.add(counters::bump("c", 1));
    pipe
}

fn assert_refused(what: &str, r: Result<redlua::Replies, Error>, command: &str) {
    match r {
        Err(e) => {
            assert_eq!(e.redis_error().and_then(|r| r.code()), Some("NOPERM"), "{what}: {e:?}");
            assert!(e.did_not_run(), "{what}: {e:?}");
            assert!(e.to_string().contains(command), "{what}: names the command: {e}");
        }
        Ok(_) => panic!("{what}: a transaction ran without permission for {command}"),
    }
}

#[test]
fn a_transaction_of_a_user_without_multi_or_exec_is_refused_and_nothing_runs() {
    let (server, mut admin) = server();
    counters::LIBRARY.load(&mut admin).unwrap();
    for (user, command) in [("nomulti", "multi"), ("noexec", "exec")] {
        acl_setuser(&mut admin, user, &["~*", "+@all", &format!("-{command}")]);
        let mut con = connect_as(&server, user);
        for assume_loaded in [false, true] {
            assert_refused(user, two_bumps(assume_loaded).query(&mut con), command);
            assert_eq!(get_int(&mut admin, "c"), 0, "{user}: nothing ran, not even outside a transaction");
        }
        // The connection is usable and not left inside a transaction.
        assert_eq!(counters::bump("c", 1).call(&mut con).unwrap(), 1, "{user}");
        redis::cmd("DEL").arg("c").exec(&mut admin).unwrap();
    }
}

#[tokio::test]
async fn an_async_transaction_of_a_user_without_multi_is_refused_and_the_shared_connection_lives() {
    let (server, mut admin) = server();
    counters::LIBRARY.load(&mut admin).unwrap();
    acl_setuser(&mut admin, "nomulti", &["~*", "+@all", "-multi"]);
    let mut con = user_client(&server, "nomulti").get_multiplexed_async_connection().await.unwrap();
    let mut other = con.clone();
    for assume_loaded in [false, true] {
        assert_refused("async", two_bumps(assume_loaded).query_async(&mut con).await, "multi");
    }
    assert_eq!(get_int(&mut admin, "c"), 0, "nothing ran");
    // Both handles of the shared connection still work.
    assert_eq!(counters::bump("c", 1).call_async(&mut other).await.unwrap(), 1);
    assert_eq!(counters::bump("c", 1).call_async(&mut con).await.unwrap(), 2);
}

#[test]
fn a_transaction_on_a_busy_server_is_busy_and_did_not_run() {
    let (server, mut con) = server();
    redis::cmd("CONFIG").arg("SET").arg("busy-reply-threshold").arg(50).exec(&mut con).unwrap();
    counters::LIBRARY.load(&mut con).unwrap();
    spinner::LIBRARY.load(&mut con).unwrap();
    let mut spinning = server.connection().unwrap();
    let spinner = thread::spawn(move || spinner::wait_for("stop").call(&mut spinning));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !matches!(counters::read("c").call(&mut con), Err(Error::Busy(_))) {
        assert!(Instant::now() < deadline, "the server never said BUSY");
        thread::sleep(Duration::from_millis(20));
    }
    for assume_loaded in [true, false] {
        let r = two_bumps(assume_loaded).query(&mut con);
        assert!(matches!(&r, Err(e @ Error::Busy(_)) if e.did_not_run()), "assume_loaded {assume_loaded}: {r:?}");
    }
    let mut side = server.connection().unwrap();
    assert!(redlua::functions::kill(&mut side).unwrap());
    assert!(matches!(spinner.join().unwrap(), Err(Error::Killed { .. })));
    assert_eq!(get_int(&mut con, "c"), 0, "nothing ran");
    // The connection is not left inside a transaction.
    let replies = two_bumps(true).query(&mut con).unwrap();
    assert_eq!(replies.len(), 2);
    assert_eq!(get_int(&mut con, "c"), 2);
}

// ---------------------------------------------------------------------------------------
// Users without FUNCTION LIST: pipelines work as single calls do

#[test]
fn a_pipeline_of_a_user_without_function_list_works_and_recovers_as_single_calls_do() {
    let (server, mut admin) = server();
    acl_setuser(&mut admin, "nolist", &["~*", "+@all", "-function|list"]);
    let mut con = connect_as(&server, "nolist");
    let pipe = |atomic: bool| {
        let mut pipe = redlua::Pipeline::new();
        if atomic {
            pipe.atomic();
        }
        pipe.add(counters::bump("c", 1));
        pipe.add(counters::read("c"));
        pipe
    };
    // Missing: the check cannot see it; the calls are recovered (loaded, sent again), as a
    // single call is.
    let replies = pipe(false).query(&mut con).unwrap();
    assert_eq!(replies.resent(), [0, 1], "recovered per call");
    assert_eq!(get_int(&mut admin, "c"), 1);
    assert_eq!(counters::LIBRARY.status(&mut admin).unwrap(), redlua::LibraryStatus::Current);
    // Loaded: plain and atomic pipelines run.
    pipe(false).query(&mut con).unwrap();
    pipe(true).query(&mut con).unwrap();
    assert_eq!(get_int(&mut admin, "c"), 3);
    // A user who can neither list nor load: the same NotLoaded for a single call and for a
    // pipeline entry, and nothing ran.
    flush_code(&mut admin);
    acl_setuser(&mut admin, "nolist", &["~*", "+@all", "-function|list", "-function|load"]);
    let mut con = connect_as(&server, "nolist");
    let single = counters::bump("c", 1).call(&mut con);
    assert!(matches!(&single, Err(e @ Error::NotLoaded { .. }) if e.did_not_run()), "{single:?}");
    let mut one = redlua::Pipeline::new();
    let bumped = one.add(counters::bump("c", 1));
    let replies = one.query(&mut con).unwrap();
    let entry = replies.get(bumped);
    assert!(matches!(&entry, Err(e @ Error::NotLoaded { .. }) if e.did_not_run()), "{entry:?}");
    assert_eq!(get_int(&mut admin, "c"), 3, "nothing ran");
}
