//! Persistence: libraries survive a restart through RDB and AOF as Redis promises, and
//! redlua's version check finds them current afterwards (no needless `FUNCTION LOAD`).
//! EVAL scripts, which Redis does not persist, are loaded again on first use.

use redlua::prelude::*;
use redlua::testing::TestServer;
use redlua::{LibraryStatus, LoadOutcome};

#[redlua::library(name = "durable")]
pub mod durable {
    use redlua::prelude::*;

    /// Adds to a counter.
    #[redis_function]
    pub fn add(counter: Key, by: i64) -> i64 {
        incr_by(&counter, by)
    }

    /// Reads a counter.
    #[redis_function(read_only)]
    pub fn read(counter: Key) -> i64 {
        get::<i64>(&counter).unwrap_or(0)
    }
}

/// An EVAL script, which does not survive a restart.
#[redis_function]
fn durable_bump(counter: Key) -> i64 {
    incr(&counter)
}

/// How many times the server ran `FUNCTION LOAD` since it started (`INFO commandstats`).
fn function_loads(con: &mut redis::Connection) -> u64 {
    let info: String = redis::cmd("INFO").arg("commandstats").query(con).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("cmdstat_function|load:calls="))
        .map_or(0, |rest| rest.split(',').next().unwrap().parse().unwrap())
}

fn config(con: &mut redis::Connection, name: &str) -> String {
    let v: Vec<String> = redis::cmd("CONFIG").arg("GET").arg(name).query(con).unwrap();
    v.get(1).cloned().unwrap_or_default()
}

/// Loads the library, writes through it, restarts the server (after `before_restart`),
/// and checks that the library and the data came back and that nothing is loaded again.
fn survives_restart(mut server: TestServer, before_restart: impl FnOnce(&mut redis::Connection)) {
    let mut con = server.connection().unwrap();
    assert_eq!(durable::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Loaded);
    assert_eq!(durable::add("n", 5).call(&mut con).unwrap(), 5);
    assert_eq!(durable_bump("m").call(&mut con).unwrap(), 1);
    before_restart(&mut con);
    drop(con);
    server.restart().unwrap();

    let mut con = server.connection().unwrap();
    assert_eq!(durable::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Current, "the server restored this exact code");
    assert_eq!(durable::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Unchanged, "nothing to load");
    assert_eq!(durable::add("n", 1).call(&mut con).unwrap(), 6, "the data and the function survived");
    assert_eq!(durable::read("n").call(&mut con).unwrap(), 6);
    assert_eq!(function_loads(&mut con), 0, "no FUNCTION LOAD after the restart");
    // The script cache is not persisted: the script is loaded again and runs once.
    let scripts: Vec<bool> = redis::cmd("SCRIPT").arg("EXISTS").arg(durable_bump::SHA1).query(&mut con).unwrap();
    assert_eq!(scripts, [false], "Redis does not keep scripts across a restart");
    assert_eq!(durable_bump("m").call(&mut con).unwrap(), 2);
}

#[test]
fn a_library_survives_a_restart_through_rdb() {
    let server = TestServer::builder().args(["--save", "3600 1"]).start().expect("redis-server must be installed");
    survives_restart(server, |con| {
        assert_eq!(config(con, "appendonly"), "no");
        // What a shutdown with `save` configured does: write the RDB file.
        redis::cmd("SAVE").exec(con).unwrap();
    });
}

#[test]
fn a_library_survives_a_restart_through_aof() {
    let server = TestServer::builder().args(["--appendonly", "yes", "--appendfsync", "always"]).start().expect("redis-server must be installed");
    survives_restart(server, |con| {
        assert_eq!(config(con, "appendonly"), "yes");
        assert_eq!(config(con, "save"), "", "no RDB snapshot: only the AOF brings the library back");
    });
}

#[test]
fn another_version_restored_from_disk_is_replaced_once() {
    let mut server = TestServer::builder().args(["--appendonly", "yes", "--appendfsync", "always"]).start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    // An older version of the library, deployed before the restart.
    let old = "#!lua name=durable\nredis.register_function('add', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n";
    redis::cmd("FUNCTION").arg("LOAD").arg(old).exec(&mut con).unwrap();
    drop(con);
    server.restart().unwrap();
    let mut con = server.connection().unwrap();
    assert!(matches!(durable::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Other { .. }), "the old version came back from the AOF");
    assert_eq!(durable::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Replaced);
    assert_eq!(durable::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Unchanged);
    assert_eq!(function_loads(&mut con), 1, "replaced once, then left alone");
    // The replacement itself is persisted.
    drop(con);
    server.restart().unwrap();
    let mut con = server.connection().unwrap();
    assert_eq!(durable::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Unchanged);
    assert_eq!(durable::read("n").call(&mut con).unwrap(), 0);
}

#[test]
fn without_persistence_the_first_call_loads_the_library_again() {
    let mut server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    durable::LIBRARY.load(&mut con).unwrap();
    assert_eq!(durable::add("n", 2).call(&mut con).unwrap(), 2);
    drop(con);
    server.restart().unwrap();
    let mut con = server.connection().unwrap();
    assert_eq!(durable::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Missing);
    assert_eq!(durable::add("n", 2).call(&mut con).unwrap(), 2, "loaded on first use, and the call ran once");
    assert_eq!(function_loads(&mut con), 1);
}
