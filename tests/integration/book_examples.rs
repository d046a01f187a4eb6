//! The code the book shows, run on real servers: the three ways to transfer
//! (`three_ways`), keys on one server and on a cluster (`job_queue`), errors and what to
//! do with them (`recovery`), the migration from `redis::Script` (`migrating`), the
//! operations helpers (`operations`), and the tests the "Testing your functions"
//! chapter includes (between `ANCHOR` lines).

use redis::Connection;
use redlua::testing::{TestCluster, TestServer};
use redlua::{Error, Key, LibraryStatus};
use redlua_examples::job_queue::jobs;
use redlua_examples::transfer::bank;
use redlua_examples::{migrating, operations, recovery, three_ways};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

fn fresh() -> (TestServer, Connection) {
    let server = TestServer::start().unwrap_or_else(|e| panic!("cannot start a test redis-server: {e}"));
    let con = server.connection().unwrap();
    (server, con)
}

fn set(con: &mut Connection, key: &str, value: impl redis::ToRedisArgs) {
    redis::cmd("SET").arg(key).arg(value).exec(con).unwrap();
}

fn get(con: &mut Connection, key: &str) -> Option<i64> {
    redis::cmd("GET").arg(key).query(con).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Why functions: three_ways

#[test]
fn multi_exec_cannot_check_the_balance() {
    let (_server, mut con) = fresh();
    set(&mut con, "acct:{m}:a", 10);
    let after = three_ways::transfer_multi_exec(&mut con, "acct:{m}:a", "acct:{m}:b", 30).unwrap();
    assert_eq!(after, (-20, 30), "both writes ran, and the account is overdrawn");
}

/// `threads` clients each try `tries` transfers of 1 out of an account holding `balance`.
fn contend(server: &TestServer, tries: usize, threads: usize, balance: i64, transfer: fn(&mut Connection, &str, &str, i64) -> bool) -> i64 {
    let mut con = server.connection().unwrap();
    set(&mut con, "acct:{c}:a", balance);
    redis::cmd("DEL").arg("acct:{c}:b").exec(&mut con).unwrap();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let mut con = server.connection().unwrap();
            thread::spawn(move || (0..tries).filter(|_| transfer(&mut con, "acct:{c}:a", "acct:{c}:b", 1)).count() as i64)
        })
        .collect();
    let moved: i64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(get(&mut con, "acct:{c}:a"), Some(balance - moved));
    assert_eq!(get(&mut con, "acct:{c}:b"), Some(moved));
    moved
}

#[test]
fn watch_and_the_function_never_overdraw_under_contention() {
    let (server, _con) = fresh();
    let watch = |con: &mut Connection, from: &str, to: &str, amount: i64| three_ways::transfer_watch(con, from, to, amount).unwrap().0;
    assert_eq!(contend(&server, 40, 4, 100, watch), 100, "all the money moved, no more");
    let function = |con: &mut Connection, from: &str, to: &str, amount: i64| three_ways::transfer_function(con, from, to, amount).unwrap();
    assert_eq!(contend(&server, 40, 4, 100, function), 100);
}

/// A connection that, the first time it reads `GET`'s reply, lets another client write
/// `key`: what a concurrent writer does between WATCH and EXEC.
struct Meddler<'a> {
    inner: &'a mut Connection,
    other: Connection,
    key: &'static str,
    done: bool,
}

impl Meddler<'_> {
    fn after(&mut self, packed: &[u8]) {
        if !self.done && packed.windows(5).any(|w| w == b"\r\nGET") {
            self.done = true;
            redis::cmd("INCRBY").arg(self.key).arg(5).exec(&mut self.other).unwrap();
        }
    }
}

impl redis::ConnectionLike for Meddler<'_> {
    fn req_packed_command(&mut self, cmd: &[u8]) -> redis::RedisResult<redis::Value> {
        let reply = self.inner.req_packed_command(cmd);
        self.after(cmd);
        reply
    }

    fn req_packed_commands(&mut self, cmd: &[u8], offset: usize, count: usize) -> redis::RedisResult<Vec<redis::Value>> {
        let replies = self.inner.req_packed_commands(cmd, offset, count);
        self.after(cmd);
        replies
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
fn watch_retries_after_a_conflict() {
    let (server, mut con) = fresh();
    set(&mut con, "acct:{w}:a", 50);
    assert_eq!(three_ways::transfer_watch(&mut con, "acct:{w}:a", "acct:{w}:b", 20).unwrap(), (true, 1));
    assert_eq!(three_ways::transfer_watch(&mut con, "acct:{w}:a", "acct:{w}:b", 40).unwrap(), (false, 1));
    // Another client adds 5 between the first WATCH and EXEC: EXEC is refused, the
    // transfer reads again and succeeds on the second attempt.
    let mut meddler = Meddler { inner: &mut con, other: server.connection().unwrap(), key: "acct:{w}:a", done: false };
    assert_eq!(three_ways::transfer_watch(&mut meddler, "acct:{w}:a", "acct:{w}:b", 10).unwrap(), (true, 2));
    assert_eq!(get(&mut con, "acct:{w}:a"), Some(25), "30 + 5 - 10, debited once");
    assert_eq!(get(&mut con, "acct:{w}:b"), Some(30));
}

// ---------------------------------------------------------------------------------------------
// Keys, ARGV and Redis Cluster: job_queue

#[test]
fn derived_keys_trailing_keys_and_dynamic_keys_on_one_server() {
    let (_server, mut con) = fresh();
    for job in ["a", "b", "c"] {
        jobs::push_job("queue:{emails}", job).call(&mut con).unwrap();
    }
    assert_eq!(jobs::claim_job("queue:{emails}").call(&mut con).unwrap().as_deref(), Some("a"));
    let active: Vec<String> = redis::cmd("LRANGE").arg("queue:{emails}:active").arg(0).arg(-1).query(&mut con).unwrap();
    assert_eq!(active, ["a"]);
    assert_eq!(jobs::claim_job("queue:{empty}").call(&mut con).unwrap(), None);

    set(&mut con, "hits:{site}:home", 3);
    set(&mut con, "hits:{site}:about", 4);
    assert_eq!(jobs::sum_counters(["hits:{site}:home", "hits:{site}:about", "hits:{site}:none"]).call(&mut con).unwrap(), 7);
    assert_eq!(jobs::sum_counters(Vec::<String>::new()).call(&mut con).unwrap(), 0);
    let twin = redlua::twin::run(&mut con, || jobs::twin::sum_counters(vec![Key::from("hits:{site}:home"), Key::from("hits:{site}:about")]));
    assert_eq!(twin, 7);

    assert_eq!(jobs::count_visit("42").call(&mut con).unwrap(), 1);
    assert_eq!(get(&mut con, "visits:42"), Some(1));
    let flags: Vec<&str> = jobs::LIBRARY.function("count_visit").unwrap().flags().to_vec();
    assert_eq!(flags, ["no-cluster"]);
}

// ANCHOR: cluster_test
#[test]
fn keys_on_a_cluster() {
    let cluster = TestCluster::start(3).expect("a local 3-primary cluster");
    let mut con = cluster.client().unwrap().get_connection().unwrap();

    // Derived keys land in the slot of the base key's hash tag.
    assert_eq!(jobs::push_job("queue:{emails}", "a").call_cluster(&mut con).unwrap(), 1);
    assert_eq!(jobs::claim_job("queue:{emails}").call_cluster(&mut con).unwrap().as_deref(), Some("a"));

    // Without a hash tag they would not: refused before anything is sent.
    let err = jobs::push_job("queue:emails", "a").call_cluster(&mut con).unwrap_err();
    assert!(matches!(err, Error::CrossSlot { .. }), "{err}");
    let waiting: i64 = redis::cmd("EXISTS").arg("queue:emails:waiting").query(&mut con).unwrap();
    assert_eq!(waiting, 0);

    // Several keys: one slot, or a client-side CROSSSLOT.
    assert_eq!(jobs::sum_counters(["hits:{site}:home", "hits:{site}:about"]).call_cluster(&mut con).unwrap(), 0);
    let err = jobs::sum_counters(["hits:home", "hits:about"]).call_cluster(&mut con).unwrap_err();
    assert!(matches!(&err, Error::CrossSlot { keys, .. } if keys.len() == 2), "{err}");

    // A function that builds its keys is registered `no-cluster`: the cluster refuses it.
    let err = jobs::count_visit("42").call_cluster(&mut con).unwrap_err();
    assert!(err.to_string().contains("no-cluster"), "{err}");
}
// ANCHOR_END: cluster_test

// ---------------------------------------------------------------------------------------------
// Errors and recovery: recovery

#[test]
fn each_error_gets_its_answer() {
    let (server, mut con) = fresh();
    set(&mut con, "acct:{e}:a", 100);
    assert_eq!(recovery::transfer_and_explain(&mut con, "acct:{e}:a", "acct:{e}:b", 30), "moved");
    assert_eq!(recovery::transfer_and_explain(&mut con, "acct:{e}:a", "acct:{e}:b", 300), "not moved: insufficient funds");
    assert_eq!(recovery::transfer_and_explain(&mut con, "acct:{e}:a", "acct:{e}:b", 0), "refused: amount must be positive");

    // A balance that is not an integer: the Lua stops at the read, the Rust line is named.
    set(&mut con, "acct:{e}:text", "abc");
    let text = recovery::transfer_and_explain(&mut con, "acct:{e}:text", "acct:{e}:b", 1);
    assert!(text.starts_with("failed at transfer.rs:15: "), "{text}");
    assert!(text.contains("not an integer"), "{text}");

    // An amount Lua cannot hold exactly: refused before anything is sent.
    let text = recovery::transfer_and_explain(&mut con, "acct:{e}:a", "acct:{e}:b", 1 << 60);
    assert!(text.starts_with("did not run, safe to retry: "), "{text}");

    // Another library holds `transfer`: neither its code nor `bank`'s runs.
    redis::cmd("FUNCTION").arg("FLUSH").exec(&mut con).unwrap();
    let other = "#!lua name=other\nredis.register_function('transfer', function(keys, args) return redis.call('INCR', keys[1]) end)";
    redis::cmd("FUNCTION").arg("LOAD").arg(other).exec(&mut con).unwrap();
    let text = recovery::transfer_and_explain(&mut con, "acct:{e}:a", "acct:{e}:b", 1);
    assert_eq!(text, "not run: another library holds `transfer`");
    assert_eq!(redis::cmd("GET").arg("acct:{e}:a").query::<i64>(&mut con).unwrap(), 70, "nothing ran");
    redis::cmd("FUNCTION").arg("FLUSH").exec(&mut con).unwrap();

    // The server goes away: the outcome of a call is unknown.
    let mut dead = server.connection().unwrap();
    drop(server);
    let text = recovery::transfer_and_explain(&mut dead, "acct:{e}:a", "acct:{e}:b", 1);
    assert!(text.starts_with("unknown outcome: "), "{text}");
}

/// A library whose one function keeps the server busy, without writing, for `args[1]`
/// milliseconds.
const SPIN: &str = "#!lua name=book_spin\n\
redis.register_function{function_name='book_spin', flags={'no-writes'}, callback=function(keys, args)\n\
  local t0 = redis.call('TIME')\n\
  while true do\n\
    local t = redis.call('TIME')\n\
    if (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > tonumber(args[1]) * 1000 then return 1 end\n\
  end\n\
end}\n";

/// Starts `book_spin` for `ms` milliseconds on its own connection and returns once the
/// server runs it.
fn spin(server: &TestServer, con: &mut Connection, ms: u64) -> thread::JoinHandle<redis::RedisResult<redis::Value>> {
    redis::cmd("CONFIG").arg("SET").arg("busy-reply-threshold").arg(50).exec(con).unwrap();
    redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(SPIN).exec(con).unwrap();
    let mut spinning = server.connection().unwrap();
    let handle = thread::spawn(move || redis::cmd("FCALL").arg("book_spin").arg(0).arg(ms).query(&mut spinning));
    let deadline = Instant::now() + Duration::from_secs(10);
    while redlua::functions::stats(con).unwrap().running.is_none() {
        assert!(Instant::now() < deadline, "book_spin never ran");
        thread::sleep(Duration::from_millis(5));
    }
    handle
}

#[test]
fn busy_calls_are_retried_until_the_server_is_free() {
    let (server, mut con) = fresh();
    bank::LIBRARY.load(&mut con).unwrap();
    set(&mut con, "acct:{busy}:a", 10);
    let spinner = spin(&server, &mut con, 1000);
    let mut busy = 0;
    let moved = recovery::retry_while_busy(200, Duration::from_millis(20), || {
        let r = bank::transfer("acct:{busy}:a", "acct:{busy}:b", 4).call(&mut con);
        if matches!(r, Err(Error::Busy(_))) {
            busy += 1;
        }
        r
    });
    assert!(moved.unwrap(), "ran once the server was free");
    assert!(busy > 0, "the server was busy at first");
    assert_eq!(get(&mut con, "acct:{busy}:a"), Some(6), "ran exactly once");
    spinner.join().unwrap().unwrap();
}

#[test]
fn a_pipeline_gives_each_transfer_its_own_reply() {
    let (_server, mut con) = fresh();
    set(&mut con, "acct:{p}:a", 10);
    let replies = recovery::transfer_many(&mut con, &[("acct:{p}:a", "acct:{p}:b", 4), ("acct:{p}:a", "acct:{p}:b", 0), ("acct:{p}:a", "acct:{p}:b", 100)]).unwrap();
    assert!(matches!(replies[0], Ok(true)));
    assert!(matches!(&replies[1], Err(Error::Rejected { message }) if message == "amount must be positive"));
    assert!(matches!(replies[2], Ok(false)));
    // After FUNCTION FLUSH, the check before sending loads the library again.
    redis::cmd("FUNCTION").arg("FLUSH").exec(&mut con).unwrap();
    let replies = recovery::transfer_many(&mut con, &[("acct:{p}:a", "acct:{p}:b", 6)]).unwrap();
    assert!(matches!(replies[0], Ok(true)));
    assert_eq!(get(&mut con, "acct:{p}:a"), Some(0));
}

// ---------------------------------------------------------------------------------------------
// Migrating from redis::Script: migrating

#[test]
fn redis_script_and_redlua_give_the_same_replies_and_data() {
    let (_server, mut con) = fresh();
    for side in ["before", "bank", "script"] {
        set(&mut con, &format!("{side}:{{m}}:a"), 25);
    }
    for amount in [10, 10, 10, 5, 1] {
        let k = |side: &str, n: &str| format!("{side}:{{m}}:{n}");
        let before = migrating::transfer_with_redis_script(&mut con, &k("before", "a"), &k("before", "b"), amount).unwrap();
        let library = bank::transfer(k("bank", "a"), k("bank", "b"), amount).call(&mut con).unwrap();
        let script = migrating::transfer_with_redlua_script(&mut con, &k("script", "a"), &k("script", "b"), amount).unwrap();
        assert_eq!((before, before), (library, script), "amount {amount}");
    }
    for n in ["a", "b"] {
        let values: Vec<Option<i64>> = ["before", "bank", "script"].iter().map(|s| get(&mut con, &format!("{s}:{{m}}:{n}"))).collect();
        assert_eq!(values, [Some(if n == "a" { 0 } else { 25 }); 3], "{n}");
    }
}

// ---------------------------------------------------------------------------------------------
// Operations: operations

#[test]
fn deploy_reports_what_it_did_and_events_name_the_old_version() {
    let (_server, mut con) = fresh();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let seen = lines.clone();
    let me = thread::current().id();
    let _subscription = operations::report_loads(move |line| {
        if thread::current().id() == me {
            seen.lock().unwrap().push(line);
        }
    });

    let report = operations::deploy(&mut con).unwrap();
    assert!(report[0].starts_with(&format!("bank {}: Loaded, the server had nothing", bank::LIBRARY.stamp())), "{report:?}");
    assert_eq!(report.len(), 4);
    let report = operations::deploy(&mut con).unwrap();
    assert!(report[0].ends_with("Unchanged, the server had this version"), "{report:?}");

    // An older build's bank is on the server: the deploy replaces it and says which.
    let old = "#!lua name=bank\nredis.register_function('transfer', function() return 0 end)\n";
    redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(old).exec(&mut con).unwrap();
    let old_stamp = redlua::stamp_of(old.as_bytes());
    let report = operations::deploy(&mut con).unwrap();
    assert!(report[0].ends_with(&format!("Replaced, the server had version {old_stamp}")), "{report:?}");
    let lines = lines.lock().unwrap().clone();
    let replaced = format!("library bank {} loaded on the server (Load), replacing version {old_stamp}", bank::LIBRARY.stamp());
    assert!(lines.contains(&replaced), "{lines:#?}");
}

#[test]
fn inspect_export_and_kill() {
    let (server, mut con) = fresh();
    operations::deploy(&mut con).unwrap();
    let old = "#!lua name=locks\nredis.register_function('acquire', function() return 0 end)\n";
    redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(old).exec(&mut con).unwrap();
    let lines = operations::inspect(&mut con).unwrap();
    assert!(lines.contains(&"bank [LUA]: this build".to_string()), "{lines:#?}");
    assert!(lines.contains(&format!("locks [LUA]: another version ({})", redlua::stamp_of(old.as_bytes()))), "{lines:#?}");
    assert!(lines.contains(&"  balance [\"no-writes\"]".to_string()), "{lines:#?}");

    let dir = std::env::temp_dir().join(format!("redlua-book-export-{}", std::process::id()));
    let paths = operations::export(&dir).unwrap();
    assert_eq!(paths.len(), 4);
    assert_eq!(std::fs::read_to_string(dir.join("bank.lua")).unwrap(), bank::LUA);
    std::fs::remove_dir_all(&dir).unwrap();

    assert!(!operations::stop_runaway_function(&mut con).unwrap(), "nothing to stop");
    let spinner = spin(&server, &mut con, 60_000);
    // While it runs, the server answers FUNCTION STATS and FUNCTION KILL, and BUSY to the rest.
    assert!(matches!(operations::inspect(&mut con), Err(Error::Busy(_))));
    assert_eq!(redlua::functions::stats(&mut con).unwrap().running.unwrap().name, "book_spin");
    assert!(operations::stop_runaway_function(&mut con).unwrap(), "killed");
    assert!(spinner.join().unwrap().is_err(), "the killed call ends with an error");
}

// ---------------------------------------------------------------------------------------------
// Testing your functions

// ANCHOR: server_test
#[test]
fn transfer_moves_money_once() {
    let server = TestServer::start().expect("redis-server is installed");
    let mut con = server.connection().unwrap();
    redis::cmd("SET").arg("acct:{alice}").arg(100).exec(&mut con).unwrap();

    assert!(bank::transfer("acct:{alice}", "acct:{bob}", 30).call(&mut con).unwrap());
    assert!(!bank::transfer("acct:{alice}", "acct:{bob}", 300).call(&mut con).unwrap());
    assert_eq!(bank::balance("acct:{alice}").call(&mut con).unwrap(), 70);
    assert_eq!(bank::balance("acct:{bob}").call(&mut con).unwrap(), 30);
}
// ANCHOR_END: server_test

// ANCHOR: restart_test
#[test]
fn calls_survive_a_restart() {
    let mut server = TestServer::start().expect("redis-server is installed");
    let mut con = server.connection().unwrap();
    bank::LIBRARY.load(&mut con).unwrap();

    server.restart().unwrap(); // an empty server: no data, no functions
    let mut con = server.connection().unwrap();
    assert_eq!(bank::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Missing);
    // The call finds its function missing, loads the library, and runs once.
    assert_eq!(bank::balance("acct:{alice}").call(&mut con).unwrap(), 0);
    assert_eq!(bank::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Current);
}
// ANCHOR_END: restart_test

// ANCHOR: twin_test
#[test]
fn transfer_agrees_with_its_twin() {
    let server = TestServer::start().expect("redis-server is installed");
    let mut con = server.connection().unwrap();
    for (balance, amount) in [(100, 30), (10, 30), (5, 5), (0, 1), (7, 0), (7, -3)] {
        // The same starting data under two names: one for the Lua, one for the twin.
        for side in ["lua", "twin"] {
            redis::cmd("SET").arg(format!("{side}:{{a}}")).arg(balance).exec(&mut con).unwrap();
            redis::cmd("DEL").arg(format!("{side}:{{b}}")).exec(&mut con).unwrap();
        }
        let lua = bank::transfer("lua:{a}", "lua:{b}", amount).call(&mut con);
        let twin = redlua::twin::run(&mut con, || bank::twin::transfer(Key::from("twin:{a}"), Key::from("twin:{b}"), amount));
        match (lua, twin) {
            (Ok(l), Ok(t)) => assert_eq!(l, t, "transfer({amount}) of {balance}"),
            (Err(Error::Rejected { message }), Err(reject)) => assert_eq!(message, reject.message()),
            other => panic!("transfer({amount}) of {balance}: {other:?}"),
        }
        // And the data they leave behind.
        for key in ["{a}", "{b}"] {
            let lua: Option<i64> = redis::cmd("GET").arg(format!("lua:{key}")).query(&mut con).unwrap();
            let twin: Option<i64> = redis::cmd("GET").arg(format!("twin:{key}")).query(&mut con).unwrap();
            assert_eq!(lua, twin, "{key} after transfer({amount}) of {balance}");
        }
    }
}
// ANCHOR_END: twin_test

#[test]
fn no_rollback_and_how_to_avoid_needing_one() {
    use redlua_examples::recovery::careful_bank;
    let (_server, mut con) = fresh();
    redis::cmd("RPUSH").arg("acct:{r}:list").arg("x").exec(&mut con).unwrap();
    set(&mut con, "acct:{r}:a", 10);
    // bank::transfer debits, then fails to credit a list: the debit stays.
    let r = bank::transfer("acct:{r}:a", "acct:{r}:list", 4).call(&mut con);
    assert!(matches!(&r, Err(Error::Redis(e)) if e.code() == Some("WRONGTYPE")), "{r:?}");
    assert_eq!(get(&mut con, "acct:{r}:a"), Some(6), "written before the failure, not rolled back");
    // careful_transfer reads both accounts first: it fails before writing anything.
    let r = careful_bank::careful_transfer("acct:{r}:a", "acct:{r}:list", 4).call(&mut con);
    assert!(matches!(&r, Err(Error::Redis(e)) if e.code() == Some("WRONGTYPE")), "{r:?}");
    set(&mut con, "acct:{r}:text", "abc");
    let r = careful_bank::careful_transfer("acct:{r}:a", "acct:{r}:text", 4).call(&mut con);
    assert!(matches!(&r, Err(Error::Script { .. })), "{r:?}");
    set(&mut con, "acct:{r}:full", (1_i64 << 53) - 2);
    let r = careful_bank::careful_transfer("acct:{r}:a", "acct:{r}:full", 4).call(&mut con);
    assert!(matches!(&r, Err(Error::Script { message, .. }) if message.contains("overflow")), "{r:?}");
    assert_eq!(get(&mut con, "acct:{r}:a"), Some(6), "nothing written");
    assert!(careful_bank::careful_transfer("acct:{r}:a", "acct:{r}:b", 4).call(&mut con).unwrap());
    assert_eq!((get(&mut con, "acct:{r}:a"), get(&mut con, "acct:{r}:b")), (Some(2), Some(4)));
}

// ---------------------------------------------------------------------------------------------
// Cookbook: a job queue of typed records (record_queue)

mod record_queue_tests {
    use super::fresh;
    use redlua::prelude::{json_decode, json_encode};
    use redlua::testing::TestCluster;
    use redlua::{Error, Key};
    use redlua_examples::record_queue::record_jobs::{self, Job, Payload};

    fn payload(to: &[&str]) -> Payload {
        Payload { kind: "email".into(), to: to.iter().map(|s| s.to_string()).collect(), retries: None }
    }

    // ANCHOR: queue_test
    #[test]
    fn a_job_is_enqueued_claimed_and_completed() {
        let (_server, mut con) = fresh();
        let (q, prefix) = ("queue:{mail}", "queue:{mail}:job:");
        let p = payload(&["ann@example.com"]);
        // The client writes the payload as JSON with the same struct the function reads.
        let text = json_encode(&p);
        assert_eq!(text, r#"{"kind":"email","to":["ann@example.com"],"retries":null}"#);
        assert_eq!(record_jobs::enqueue(q, "queue:{mail}:job:1", "1", text.as_str()).call(&mut con).unwrap(), 1);

        // What redis-cli sees: a hash of text fields, the payload as JSON.
        let stored: Vec<(String, String)> = redis::cmd("HGETALL").arg("queue:{mail}:job:1").query(&mut con).unwrap();
        assert_eq!(stored, [("id", "1"), ("state", "waiting"), ("attempts", "0"), ("payload", text.as_str())].map(|(a, b)| (a.to_string(), b.to_string())));

        // A worker claims it: a typed Job, its payload typed again on the client.
        let job: Job = record_jobs::claim(q, prefix, "w1").call(&mut con).unwrap().expect("a job waits");
        assert_eq!((job.state.as_str(), job.attempts, job.worker.as_deref()), ("active", 1, Some("w1")));
        assert_eq!(json_decode::<Payload>(&job.payload).unwrap(), p);
        assert_eq!(record_jobs::claim(q, prefix, "w2").call(&mut con).unwrap(), None);

        // Only the worker that holds it completes it.
        let err = record_jobs::complete(q, "queue:{mail}:job:1", "w2", "sent").call(&mut con).unwrap_err();
        assert_eq!(err.redis_error().and_then(|e| e.code()), Some("NOTYOURS"), "{err}");
        let done = record_jobs::complete(q, "queue:{mail}:job:1", "w1", "sent").call(&mut con).unwrap();
        assert_eq!((done.state.as_str(), done.result.as_deref()), ("done", Some("sent")));
        let active: i64 = redis::cmd("LLEN").arg("queue:{mail}:active").query(&mut con).unwrap();
        assert_eq!(active, 0);

        // A payload that is not a Payload is refused before anything is written.
        let err = record_jobs::enqueue(q, "queue:{mail}:job:2", "2", r#"{"kind":"email","to":"ann"}"#).call(&mut con).unwrap_err();
        assert!(matches!(&err, Error::Rejected { message } if message == "Payload.to is not a valid Vec<String>"), "{err:?}");
        let err = record_jobs::enqueue(q, "queue:{mail}:job:1", "1", text.as_str()).call(&mut con).unwrap_err();
        assert_eq!(err.redis_error().and_then(|e| e.code()), Some("DUPLICATE"), "{err}");
        let exists: i64 = redis::cmd("EXISTS").arg("queue:{mail}:job:2").query(&mut con).unwrap();
        assert_eq!(exists, 0);
    }
    // ANCHOR_END: queue_test

    /// The Lua and the native twin leave the same hashes and lists and reply the same.
    #[test]
    fn the_queue_runs_as_its_twin() {
        let (_server, mut con) = fresh();
        let texts = [json_encode(&payload(&["a"])), json_encode(&payload(&[])), r#"{"kind":"sms","to":["b","c"],"retries":2}"#.to_string(), "not json".to_string()];
        let mut replies: Vec<Vec<String>> = Vec::new();
        for (side, q) in [("lua", "lua:{q}"), ("twin", "twin:{q}")] {
            let prefix = format!("{q}:job:");
            let mut seen = Vec::new();
            for (i, t) in texts.iter().enumerate() {
                let job = format!("{prefix}{i}");
                let r = if side == "lua" {
                    record_jobs::enqueue(q, job.as_str(), i.to_string(), t.as_str()).call(&mut con).map_err(|e| match e {
                        Error::Rejected { message } => format!("REJECT {message}"),
                        other => other.redis_error().and_then(|e| e.code()).unwrap_or("?").to_string(),
                    })
                } else {
                    redlua::twin::run(&mut con, || record_jobs::twin::enqueue(Key::from(q), Key::from(job.as_str()), i.to_string(), t.clone())).map_err(|e| {
                        if e.code() == "REJECT" { format!("REJECT {}", e.message()) } else { e.code().to_string() }
                    })
                };
                seen.push(format!("{r:?}"));
            }
            for w in ["w1", "w2", "w3"] {
                let job = if side == "lua" {
                    record_jobs::claim(q, prefix.as_str(), w).call(&mut con).unwrap()
                } else {
                    redlua::twin::run(&mut con, || record_jobs::twin::claim(Key::from(q), Key::from(prefix.as_str()), w.to_string())).unwrap()
                };
                seen.push(format!("{job:?}"));
            }
            replies.push(seen);
        }
        assert_eq!(replies[0], replies[1]);
        assert_eq!(replies[0][1], r#"Err("BADJOB")"#);
        assert_eq!(replies[0][3], r#"Err("REJECT Payload is not valid JSON")"#);
        for suffix in [":job:0", ":job:1", ":job:2", ":job:3"] {
            let l: Vec<(String, String)> = redis::cmd("HGETALL").arg(format!("lua:{{q}}{suffix}")).query(&mut con).unwrap();
            let t: Vec<(String, String)> = redis::cmd("HGETALL").arg(format!("twin:{{q}}{suffix}")).query(&mut con).unwrap();
            assert_eq!(l, t, "{suffix}");
        }
        for list in [":waiting", ":active"] {
            let l: Vec<String> = redis::cmd("LRANGE").arg(format!("lua:{{q}}{list}")).arg(0).arg(-1).query(&mut con).unwrap();
            let t: Vec<String> = redis::cmd("LRANGE").arg(format!("twin:{{q}}{list}")).arg(0).arg(-1).query(&mut con).unwrap();
            assert_eq!(l, t, "{list}");
        }
        // Jobs 0 and 2 were queued (1 had no recipient, 3 was not JSON); both are active.
        let active: Vec<String> = redis::cmd("LRANGE").arg("lua:{q}:active").arg(0).arg(-1).query(&mut con).unwrap();
        assert_eq!(active, ["0", "2"]);
    }

    // ANCHOR: queue_cluster_test
    #[test]
    fn the_queue_on_a_cluster() {
        let cluster = TestCluster::start(3).expect("a local 3-primary cluster");
        let mut con = cluster.client().unwrap().get_connection().unwrap();
        // One hash tag per queue: its lists and its jobs' hashes share a slot.
        for (i, tag) in ["mail", "sms", "push"].iter().enumerate() {
            let q = format!("queue:{{{tag}}}");
            let (job, prefix) = (format!("{q}:job:{i}"), format!("{q}:job:"));
            let text = json_encode(&payload(&["x"]));
            assert_eq!(record_jobs::enqueue(q.as_str(), job.as_str(), i.to_string(), text.as_str()).call_cluster(&mut con).unwrap(), 1);
            let claimed = record_jobs::claim(q.as_str(), prefix.as_str(), "w").call_cluster(&mut con).unwrap().expect("a job");
            assert_eq!(claimed.id, i.to_string());
            let done = record_jobs::complete(q.as_str(), job.as_str(), "w", "ok").call_cluster(&mut con).unwrap();
            assert_eq!(done.state, "done");
        }
        // A job's key outside the queue's slot: refused before anything is sent.
        let err = record_jobs::enqueue("queue:{mail}", "job:9", "9", "{}").call_cluster(&mut con).unwrap_err();
        assert!(matches!(err, Error::CrossSlot { .. }), "{err}");
    }
    // ANCHOR_END: queue_cluster_test
}
