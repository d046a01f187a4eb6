//! Shared by the `runtime_*` tests: a counting library and script (every execution adds
//! to a counter on the server, so the data says whether a call ran once, never or
//! twice), and connections that flush the server's code at a chosen request.
#![allow(dead_code)]

use redis::{Connection, ConnectionLike, RedisResult, Value};
use redlua::testing::{TestCluster, TestServer};

/// Every call adds `by` to `counter` and replies the new value.
#[redlua::library(name = "rt_counters")]
pub mod counters {
    use redlua::prelude::*;

    /// Adds `by` to the counter: one execution, one addition.
    #[redis_function]
    pub fn bump(counter: Key, by: i64) -> i64 {
        incr_by(&counter, by)
    }

    /// Adds `by` to two counters of one slot.
    #[redis_function]
    pub fn bump_two(a: Key, b: Key, by: i64) -> i64 {
        incr_by(&a, by);
        incr_by(&b, by)
    }

    /// The counter (0 when missing).
    #[redis_function(read_only)]
    pub fn read(counter: Key) -> i64 {
        get::<i64>(&counter).unwrap_or(0)
    }

    /// Refuses when `by` is negative, else adds it.
    #[redis_function]
    pub fn bump_positive(counter: Key, by: i64) -> Result<i64, Reject> {
        if by < 0 {
            return Err(reject!("by must not be negative"));
        }
        Ok(incr_by(&counter, by))
    }
}

/// The same as `counters::bump`, as an EVAL script.
pub mod scripts {
    use redlua::prelude::*;

    /// Adds `by` to the counter.
    #[redis_function]
    pub fn rt_bump_script(counter: Key, by: i64) -> i64 {
        incr_by(&counter, by)
    }
}

/// A local 3-primary cluster.
pub fn cluster() -> TestCluster {
    TestCluster::start(3).unwrap_or_else(|e| panic!("cannot start a 3-primary cluster: {e}"))
}

/// One key per primary: `c:{tagN}` served by node i.
pub fn key_per_node(cluster: &TestCluster) -> Vec<String> {
    let mut keys: Vec<Option<String>> = vec![None; cluster.nodes().len()];
    for n in 0.. {
        let key = format!("c:{{tag{n}}}");
        let node = cluster.node_for_key(key.as_bytes());
        let i = cluster.nodes().iter().position(|s| std::ptr::eq(s, node)).unwrap();
        if keys[i].is_none() {
            keys[i] = Some(key);
        }
        if keys.iter().all(Option::is_some) {
            break;
        }
    }
    keys.into_iter().map(Option::unwrap).collect()
}

/// A connection to one node.
pub fn node_con(node: &TestServer) -> Connection {
    node.connection().unwrap_or_else(|e| panic!("connect to node: {e}"))
}

/// A fresh server and a connection to it.
pub fn server() -> (TestServer, Connection) {
    let server = TestServer::start().unwrap_or_else(|e| panic!("cannot start redis-server: {e}"));
    let con = server.connection().unwrap_or_else(|e| panic!("cannot connect: {e}"));
    (server, con)
}

/// An integer key, 0 when missing.
pub fn get_int<C: ConnectionLike>(con: &mut C, key: &str) -> i64 {
    redis::cmd("GET").arg(key).query::<Option<i64>>(con).unwrap_or_else(|e| panic!("GET {key}: {e}")).unwrap_or(0)
}

/// `FUNCTION FLUSH` and `SCRIPT FLUSH`.
pub fn flush_code<C: ConnectionLike>(con: &mut C) {
    redis::cmd("FUNCTION").arg("FLUSH").exec(con).expect("FUNCTION FLUSH");
    redis::cmd("SCRIPT").arg("FLUSH").exec(con).expect("SCRIPT FLUSH");
}

/// The calls of one command so far (`INFO commandstats`), e.g. `fcall`.
pub fn command_calls<C: ConnectionLike>(con: &mut C, command: &str) -> u64 {
    let info: String = redis::cmd("INFO").arg("commandstats").query(con).expect("INFO commandstats");
    let prefix = format!("cmdstat_{command}:calls=");
    info.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// A connection that flushes the server's functions and scripts (through a second
/// connection) right before it forwards request number `at` (1 for the first), and
/// counts requests.
pub struct FlushAt<'a> {
    pub inner: &'a mut Connection,
    side: Connection,
    at: Vec<usize>,
    pub requests: usize,
}

impl<'a> FlushAt<'a> {
    pub fn new(server: &TestServer, inner: &'a mut Connection, at: &[usize]) -> Self {
        FlushAt { inner, side: server.connection().expect("side connection"), at: at.to_vec(), requests: 0 }
    }

    fn before(&mut self) {
        self.requests += 1;
        if self.at.contains(&self.requests) {
            flush_code(&mut self.side);
        }
    }
}

impl ConnectionLike for FlushAt<'_> {
    fn req_packed_command(&mut self, cmd: &[u8]) -> RedisResult<Value> {
        self.before();
        self.inner.req_packed_command(cmd)
    }

    fn req_packed_commands(&mut self, cmd: &[u8], offset: usize, count: usize) -> RedisResult<Vec<Value>> {
        self.before();
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

/// The async twin of [`FlushAt`], around any async connection.
pub struct FlushAtAsync<'a, C> {
    pub inner: &'a mut C,
    side: Connection,
    at: Vec<usize>,
    pub requests: usize,
}

impl<'a, C> FlushAtAsync<'a, C> {
    pub fn new(server: &TestServer, inner: &'a mut C, at: &[usize]) -> Self {
        FlushAtAsync { inner, side: server.connection().expect("side connection"), at: at.to_vec(), requests: 0 }
    }

    fn before(&mut self) {
        self.requests += 1;
        if self.at.contains(&self.requests) {
            flush_code(&mut self.side);
        }
    }
}

impl<C: redis::aio::ConnectionLike + Send> redis::aio::ConnectionLike for FlushAtAsync<'_, C> {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a redis::Cmd) -> redis::RedisFuture<'a, Value> {
        self.before();
        self.inner.req_packed_command(cmd)
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<Value>> {
        self.before();
        self.inner.req_packed_commands(pipeline, offset, count)
    }

    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }
}
