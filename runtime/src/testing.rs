//! Throwaway `redis-server` instances for tests and examples.
//!
//! Enabled by the crate feature `testing`. [`TestServer::start`] runs a fresh `redis-server` on a
//! free loopback port, in a fresh temporary directory, with persistence turned off; dropping the
//! [`TestServer`] shuts the server down and removes the directory. Every call starts its own
//! server, so tests that run in parallel never share state.
//!
//! ```
//! use redlua::testing::TestServer;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = TestServer::start()?;
//! let mut con = server.connection()?;
//! let pong: String = redis::cmd("PING").query(&mut con)?;
//! assert_eq!(pong, "PONG");
//! # Ok(())
//! # }
//! ```
//!
//! [`TestServer::from_env`] uses the server named by the `REDIS_URL` environment variable instead
//! when it is set, which lets examples and tests run against an existing server.
//!
//! The binary is `redis-server` from `PATH`, or the program named by the environment variable
//! `REDLUA_SERVER_BIN` (for example a `valkey-server`, or a newer Redis built elsewhere), or the
//! one given to [`TestServerBuilder::binary`].

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Environment variable naming the server binary to run instead of `redis-server`.
///
/// ```
/// use redlua::testing::{TestServer, SERVER_BIN_ENV};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// assert_eq!(SERVER_BIN_ENV, "REDLUA_SERVER_BIN");
/// // The binary a TestServer runs unless its builder names one.
/// let binary = std::env::var(SERVER_BIN_ENV).unwrap_or_else(|_| "redis-server".to_string());
/// let server = TestServer::builder().binary(binary).start()?;
/// let pong: String = redis::cmd("PING").query(&mut server.connection()?)?;
/// assert_eq!(pong, "PONG");
/// # Ok(())
/// # }
/// ```
pub const SERVER_BIN_ENV: &str = "REDLUA_SERVER_BIN";

/// Environment variable naming an existing server, used by [`TestServer::from_env`].
///
/// ```
/// use redlua::testing::{TestServer, REDIS_URL_ENV};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// assert_eq!(REDIS_URL_ENV, "REDIS_URL");
/// let server = TestServer::from_env()?;
/// // External exactly when REDIS_URL names a server.
/// let named = std::env::var(REDIS_URL_ENV).is_ok_and(|url| !url.trim().is_empty());
/// assert_eq!(server.is_external(), named);
/// # Ok(())
/// # }
/// ```
pub const REDIS_URL_ENV: &str = "REDIS_URL";

/// The binary run when neither [`TestServerBuilder::binary`] nor `REDLUA_SERVER_BIN` names one.
const DEFAULT_BINARY: &str = "redis-server";

/// How long [`TestServerBuilder::start`] waits for the first `PONG` unless told otherwise.
const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// How many ports are tried when a freshly chosen port was taken before the server bound it.
const PORT_ATTEMPTS: usize = 5;

/// How many lines of each log file an error message carries.
const LOG_TAIL_LINES: usize = 40;

/// Name of the server's log file inside [`TestServer::dir`].
const LOG_FILE: &str = "server.log";

/// Name of the file that receives the server's standard output and error.
const CONSOLE_FILE: &str = "server.console";

/// Why a test server could not be started.
///
/// ```
/// use redlua::testing::{TestServer, TestServerError};
///
/// let err = TestServer::builder().binary("/nonexistent/redis-server").start().unwrap_err();
/// match &err {
///     TestServerError::NotInstalled { binary, .. } => assert_eq!(binary.to_str(), Some("/nonexistent/redis-server")),
///     other => panic!("expected NotInstalled, got {other:?}"),
/// }
/// // The message says what was looked for and how to fix it.
/// assert!(err.to_string().starts_with("`/nonexistent/redis-server` was not found"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum TestServerError {
    /// The server binary could not be found.
    NotInstalled {
        /// The program that was looked for.
        binary: PathBuf,
        /// How to make it available.
        hint: String,
    },
    /// The server exited before it answered `PING`.
    StartFailed {
        /// The command line and the end of the server's log and console output.
        log: String,
    },
    /// The server did not answer `PING` in time (it has been stopped).
    Timeout {
        /// How long the server was waited for.
        waited: Duration,
        /// The command line and the end of the server's log and console output.
        log: String,
    },
    /// An I/O error while preparing, starting or restarting the server.
    Io(io::Error),
}

impl fmt::Display for TestServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TestServerError::NotInstalled { binary, hint } => {
                write!(f, "`{}` was not found: {hint}", binary.display())
            }
            TestServerError::StartFailed { log } => {
                write!(f, "the test server exited before answering PING\n{log}")
            }
            TestServerError::Timeout { waited, log } => write!(
                f,
                "the test server did not answer PING within {:.1} s\n{log}",
                waited.as_secs_f64()
            ),
            TestServerError::Io(err) => write!(f, "test server I/O error: {err}"),
        }
    }
}

impl std::error::Error for TestServerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TestServerError::Io(err) => Some(err),
            _ => None,
        }
    }
}

impl From<io::Error> for TestServerError {
    fn from(err: io::Error) -> Self {
        TestServerError::Io(err)
    }
}

/// A Redis server for one test or example.
///
/// Either a server this value started (see [`TestServer::start`] and [`TestServer::builder`]),
/// which it stops on drop, or an existing server named by `REDIS_URL` (see
/// [`TestServer::from_env`]), which it leaves alone.
///
/// A started server listens on `127.0.0.1` on a port chosen free at start-up, keeps its files in
/// a fresh temporary directory and runs with `--save "" --appendonly no`, so it holds nothing
/// when it starts and nothing survives it. On drop it receives `SHUTDOWN NOSAVE`, the process is
/// killed if it has not exited shortly after, and the directory is removed.
///
/// ```
/// use redlua::testing::TestServer;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = TestServer::start()?; // stopped, and its directory removed, on drop
/// let mut con = server.connection()?;
/// redis::cmd("SET").arg("greeting").arg("hello").exec(&mut con)?;
/// let greeting: String = redis::cmd("GET").arg("greeting").query(&mut con)?;
/// assert_eq!(greeting, "hello");
/// // Another server has data of its own.
/// let other = TestServer::start()?;
/// let there: Option<String> = redis::cmd("GET").arg("greeting").query(&mut other.connection()?)?;
/// assert_eq!(there, None);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct TestServer {
    url: String,
    port: Option<u16>,
    process: Option<Process>,
}

impl TestServer {
    /// Starts a fresh server with the default settings.
    ///
    /// Same as `TestServer::builder().start()`.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = TestServer::start()?;
    /// assert!(!server.is_external());
    /// let keys: i64 = redis::cmd("DBSIZE").query(&mut server.connection()?)?;
    /// assert_eq!(keys, 0); // a fresh, empty server
    /// # Ok(())
    /// # }
    /// ```
    pub fn start() -> Result<TestServer, TestServerError> {
        TestServer::builder().start()
    }

    /// Uses the server named by the `REDIS_URL` environment variable when it is set and not
    /// empty; otherwise starts a fresh server as [`TestServer::start`] does.
    ///
    /// An external server is not flushed, restarted or stopped: code that runs against one
    /// should use keys of its own.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // REDIS_URL=redis://127.0.0.1:6379/ cargo test: that server; otherwise a fresh one.
    /// let server = TestServer::from_env()?;
    /// let pong: String = redis::cmd("PING").query(&mut server.connection()?)?;
    /// assert_eq!(pong, "PONG");
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_env() -> Result<TestServer, TestServerError> {
        Self::from_url_or_start(std::env::var(REDIS_URL_ENV).ok())
    }

    fn from_url_or_start(url: Option<String>) -> Result<TestServer, TestServerError> {
        match url {
            Some(url) if !url.trim().is_empty() => Ok(TestServer {
                url: url.trim().to_owned(),
                port: None,
                process: None,
            }),
            _ => TestServer::start(),
        }
    }

    /// A builder for a server with extra arguments or another binary.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = TestServer::builder().arg("--maxmemory").arg("64mb").start()?;
    /// let mut con = server.connection()?;
    /// let maxmemory: Vec<String> = redis::cmd("CONFIG").arg("GET").arg("maxmemory").query(&mut con)?;
    /// assert_eq!(maxmemory, ["maxmemory", "67108864"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn builder() -> TestServerBuilder {
        TestServerBuilder::default()
    }

    /// The URL of the server, e.g. `redis://127.0.0.1:38211/`.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = TestServer::start()?;
    /// let port = server.port().unwrap();
    /// assert_eq!(server.url(), format!("redis://127.0.0.1:{port}/"));
    /// let client = redis::Client::open(server.url())?;
    /// let pong: String = redis::cmd("PING").query(&mut client.get_connection()?)?;
    /// assert_eq!(pong, "PONG");
    /// # Ok(())
    /// # }
    /// ```
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The TCP port of a server this value started; `None` for an external server.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = TestServer::start()?;
    /// let mut con = server.connection()?;
    /// let port: Vec<String> = redis::cmd("CONFIG").arg("GET").arg("port").query(&mut con)?;
    /// assert_eq!(port[1], server.port().unwrap().to_string());
    /// # Ok(())
    /// # }
    /// ```
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// Whether this is an existing server named by `REDIS_URL` rather than one this value started.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = TestServer::start()?;
    /// assert!(!server.is_external()); // started here: stopped on drop
    /// assert!(server.port().is_some() && server.dir().is_some() && server.pid().is_some());
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_external(&self) -> bool {
        self.process.is_none()
    }

    /// The temporary directory of a server this value started: its working directory (unless
    /// `--dir` was given) and the home of its log file `server.log`. `None` for an external server.
    ///
    /// The directory is removed when the `TestServer` is dropped.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = TestServer::start()?;
    /// let dir = server.dir().unwrap().to_owned();
    /// assert!(dir.join("server.log").exists());
    /// drop(server);
    /// assert!(!dir.exists()); // removed with the server
    /// # Ok(())
    /// # }
    /// ```
    pub fn dir(&self) -> Option<&Path> {
        self.process.as_ref().map(|p| p.tmp.as_path())
    }

    /// The process id of a server this value started; `None` for an external server.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = TestServer::start()?;
    /// let info: String = redis::cmd("INFO").arg("server").query(&mut server.connection()?)?;
    /// let process_id = info.lines().find_map(|l| l.strip_prefix("process_id:")).unwrap().trim();
    /// assert_eq!(process_id, server.pid().unwrap().to_string());
    /// # Ok(())
    /// # }
    /// ```
    pub fn pid(&self) -> Option<u32> {
        self.process.as_ref().map(|p| p.child.id())
    }

    /// A client for the server.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = TestServer::start()?;
    /// let client = server.client()?;
    /// let (mut a, mut b) = (client.get_connection()?, client.get_connection()?);
    /// redis::cmd("SET").arg("k").arg("v").exec(&mut a)?;
    /// let v: String = redis::cmd("GET").arg("k").query(&mut b)?;
    /// assert_eq!(v, "v");
    /// # Ok(())
    /// # }
    /// ```
    pub fn client(&self) -> redis::RedisResult<redis::Client> {
        redis::Client::open(self.url.as_str())
    }

    /// A new synchronous connection to the server.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = TestServer::start()?;
    /// let mut con = server.connection()?;
    /// let n: i64 = redis::cmd("INCR").arg("hits").query(&mut con)?;
    /// assert_eq!(n, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn connection(&self) -> redis::RedisResult<redis::Connection> {
        self.client()?.get_connection()
    }

    /// Stops the server and starts it again on the same port, in the same directory, with the
    /// same arguments: what a Redis restart does to the data set, scripts and functions.
    ///
    /// With the default `--save "" --appendonly no`, the restarted server is empty, which is how
    /// tests check that callers recover when the server has lost a library or a script. Existing
    /// connections are closed by the restart.
    ///
    /// Fails with [`TestServerError::Io`] for an external server.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// #[redlua::library(name = "doc_restart")]
    /// mod counters {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn bump(counter: Key) -> i64 {
    ///         incr(&counter)
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut server = TestServer::start()?;
    /// let port = server.port();
    /// assert_eq!(counters::bump("hits").call(&mut server.connection()?)?, 1);
    /// server.restart()?; // the server loses its data and its libraries
    /// assert_eq!(server.port(), port);
    /// // A new connection; the call loads the library again.
    /// assert_eq!(counters::bump("hits").call(&mut server.connection()?)?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn restart(&mut self) -> Result<(), TestServerError> {
        let url = self.url.clone();
        let process = self.process.as_mut().ok_or_else(|| {
            TestServerError::Io(io::Error::new(
                io::ErrorKind::Unsupported,
                "an external server (REDIS_URL) is not restarted by redlua::testing",
            ))
        })?;
        process.stop(&url);
        process.child = spawn(&process.binary, &process.argv, &process.tmp)?;
        match wait_ready(process, &url) {
            Ok(()) => Ok(()),
            Err(Failure::Exited { log, .. }) => Err(TestServerError::StartFailed { log }),
            Err(Failure::Fatal(err)) => Err(err),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(mut process) = self.process.take() {
            process.stop(&self.url);
            // Best effort: a test must not fail because a temporary directory lingers.
            let _ = fs::remove_dir_all(&process.tmp);
        }
    }
}

/// A local Redis Cluster of throwaway primaries, for tests of cluster behaviour.
///
/// [`TestCluster::start`] starts `n` servers with `--cluster-enabled yes` (each a
/// [`TestServer`] on a free loopback port whose cluster bus port, port + 10000, is free
/// too), gives each primary an equal range of the 16384 slots (`CLUSTER ADDSLOTSRANGE`),
/// distinct config epochs, joins them with `CLUSTER MEET`, and waits until every node
/// reports `cluster_state:ok` and knows all the others. Dropping it stops every node.
///
/// ```no_run
/// use redlua::testing::TestCluster;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let cluster = TestCluster::start(3)?;
/// // A cluster client: `redis::cluster::ClusterClient::new(cluster.urls())`, or
/// // `cluster.client()` with the crate feature `cluster`.
/// // The node that serves a key, to act on it directly:
/// let mut node = cluster.node_for_key(b"greeting").connection()?;
/// redis::cmd("SET").arg("greeting").arg("hello").exec(&mut node)?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct TestCluster {
    nodes: Vec<TestServer>,
    /// The first and last slot of each node, by index.
    ranges: Vec<(u16, u16)>,
    /// The replicas of each primary, by the primary's index.
    replicas: Vec<Vec<TestServer>>,
}

/// How long [`TestCluster::start`] waits for the nodes to agree that the cluster is up.
const CLUSTER_READY_TIMEOUT: Duration = Duration::from_secs(30);

impl TestCluster {
    /// Starts a cluster of `primaries` primaries (at least 1, usually 3) without replicas.
    ///
    /// ```
    /// use redlua::testing::TestCluster;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = TestCluster::start(3)?;
    /// assert_eq!(cluster.nodes().len(), 3);
    /// assert_eq!(cluster.slot_ranges(), [(0, 5460), (5461, 10921), (10922, 16383)]);
    /// // Each node says the cluster is up.
    /// for node in cluster.nodes() {
    ///     let info: String = redis::cmd("CLUSTER").arg("INFO").query(&mut node.connection()?)?;
    ///     assert!(info.contains("cluster_state:ok"));
    /// }
    /// // The node that serves a key takes it; the others redirect.
    /// let mut owner = cluster.node_for_key(b"greeting").connection()?;
    /// redis::cmd("SET").arg("greeting").arg("hello").exec(&mut owner)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn start(primaries: usize) -> Result<TestCluster, TestServerError> {
        TestCluster::start_with(primaries, TestServer::builder())
    }

    /// Starts a cluster whose nodes are started by `builder` (for another binary or
    /// extra arguments); `--cluster-enabled yes` is added to its arguments.
    ///
    /// ```no_run
    /// use redlua::testing::{TestCluster, TestServer};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // Nodes with a memory limit (or another binary: `.binary(..)`).
    /// let cluster = TestCluster::start_with(3, TestServer::builder().arg("--maxmemory").arg("64mb"))?;
    /// for node in cluster.nodes() {
    ///     let limit: Vec<String> = redis::cmd("CONFIG").arg("GET").arg("maxmemory").query(&mut node.connection()?)?;
    ///     assert_eq!(limit[1], "67108864");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn start_with(primaries: usize, builder: TestServerBuilder) -> Result<TestCluster, TestServerError> {
        TestCluster::start_with_replicas(primaries, 0, builder)
    }

    /// Starts a cluster of `primaries` primaries with `replicas` replicas each
    /// (`CLUSTER REPLICATE`), and waits until every replica is in sync with its primary and
    /// every node lists the replicas in `CLUSTER SLOTS` (so a cluster client sees them).
    ///
    /// ```no_run
    /// use redlua::testing::{TestCluster, TestServer};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = TestCluster::start_with_replicas(3, 1, TestServer::builder())?;
    /// assert_eq!(cluster.replicas_of(0).len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn start_with_replicas(
        primaries: usize,
        replicas: usize,
        builder: TestServerBuilder,
    ) -> Result<TestCluster, TestServerError> {
        if primaries == 0 || primaries > 16384 {
            return Err(TestServerError::Io(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a test cluster needs between 1 and 16384 primaries",
            )));
        }
        let builder = builder.args(["--cluster-enabled", "yes"]);
        let mut nodes = Vec::with_capacity(primaries);
        for _ in 0..primaries {
            nodes.push(builder.start()?);
        }
        let mut replica_nodes = Vec::with_capacity(primaries);
        for _ in 0..primaries {
            let mut of_one = Vec::with_capacity(replicas);
            for _ in 0..replicas {
                of_one.push(builder.start()?);
            }
            replica_nodes.push(of_one);
        }
        let n = primaries as u32;
        let ranges: Vec<(u16, u16)> = (0..n)
            .map(|i| ((i * 16384 / n) as u16, ((i + 1) * 16384 / n - 1) as u16))
            .collect();
        let cluster = TestCluster { nodes, ranges, replicas: replica_nodes };
        cluster.join().map_err(|e| TestServerError::StartFailed {
            log: format!("the cluster could not be formed: {e}\n{}", cluster.report()),
        })?;
        Ok(cluster)
    }

    fn join(&self) -> redis::RedisResult<()> {
        let mut cons = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let con = node.connection()?;
            con.set_read_timeout(Some(Duration::from_secs(5)))?;
            cons.push(con);
        }
        for (i, con) in cons.iter_mut().enumerate() {
            let (first, last) = self.ranges[i];
            redis::cmd("CLUSTER").arg("ADDSLOTSRANGE").arg(first).arg(last).exec(con)?;
            redis::cmd("CLUSTER").arg("SET-CONFIG-EPOCH").arg(i + 1).exec(con)?;
        }
        let replicas: Vec<&TestServer> = self.replicas.iter().flatten().collect();
        if let Some((first, _)) = cons.split_first_mut() {
            for node in self.nodes[1..].iter().chain(replicas.iter().copied()) {
                let port = node.port().unwrap_or(0);
                redis::cmd("CLUSTER").arg("MEET").arg("127.0.0.1").arg(port).exec(first)?;
            }
        }
        let mut replica_cons = Vec::with_capacity(replicas.len());
        for node in &replicas {
            let con = node.connection()?;
            con.set_read_timeout(Some(Duration::from_secs(5)))?;
            replica_cons.push(con);
        }
        let deadline = Instant::now() + CLUSTER_READY_TIMEOUT;
        let known = format!("cluster_known_nodes:{}", self.nodes.len() + replicas.len());
        // A replica can follow its primary once it knows it.
        let mut replicating = replicas.is_empty();
        loop {
            let mut ready = true;
            for con in cons.iter_mut().chain(replica_cons.iter_mut()) {
                let info: String = redis::cmd("CLUSTER").arg("INFO").query(con)?;
                if !(info.contains("cluster_state:ok") && info.lines().any(|l| l.trim() == known)) {
                    ready = false;
                    break;
                }
            }
            if ready && !replicating {
                self.replicate(&mut cons, &mut replica_cons)?;
                replicating = true;
                ready = false;
            } else if ready && !replicas.is_empty() {
                ready = self.replicas_ready(&mut cons, &mut replica_cons)?;
            }
            if ready {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(redis::RedisError::from((
                    redis::ErrorKind::Client,
                    "timeout",
                    format!("the nodes did not all report cluster_state:ok and {known} within {CLUSTER_READY_TIMEOUT:?}"),
                )));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Each replica follows its primary (`CLUSTER REPLICATE <primary id>`).
    fn replicate(&self, cons: &mut [redis::Connection], replica_cons: &mut [redis::Connection]) -> redis::RedisResult<()> {
        let mut replica_cons = replica_cons.iter_mut();
        for (i, con) in cons.iter_mut().enumerate() {
            let id: String = redis::cmd("CLUSTER").arg("MYID").query(con)?;
            for _ in &self.replicas[i] {
                if let Some(r) = replica_cons.next() {
                    redis::cmd("CLUSTER").arg("REPLICATE").arg(&id).exec(r)?;
                }
            }
        }
        Ok(())
    }

    /// True when every replica is in sync and every node lists all replicas in `CLUSTER SLOTS`.
    fn replicas_ready(&self, cons: &mut [redis::Connection], replica_cons: &mut [redis::Connection]) -> redis::RedisResult<bool> {
        for con in replica_cons.iter_mut() {
            let info: String = redis::cmd("INFO").arg("replication").query(con)?;
            if !info.lines().any(|l| l.trim() == "master_link_status:up") {
                return Ok(false);
            }
        }
        let entry_len = 3 + self.replicas.first().map_or(0, Vec::len);
        for con in cons.iter_mut().chain(replica_cons.iter_mut()) {
            // Each entry: [first, last, primary, replica..].
            let slots: Vec<Vec<redis::Value>> = redis::cmd("CLUSTER").arg("SLOTS").query(con)?;
            if slots.len() != self.nodes.len() || slots.iter().any(|s| s.len() != entry_len) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The primaries, in the order of their slot ranges.
    ///
    /// ```no_run
    /// use redlua::testing::{TestCluster, TestServer};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = TestCluster::start(3)?;
    /// assert_eq!(cluster.nodes().len(), 3);
    /// for node in cluster.nodes() {
    ///     let role: Vec<redis::Value> = redis::cmd("ROLE").query(&mut node.connection()?)?;
    ///     assert_eq!(role[0], redis::Value::BulkString(b"master".to_vec()));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn nodes(&self) -> &[TestServer] {
        &self.nodes
    }

    /// The replicas of the primary `nodes()[primary]` (none unless the cluster was
    /// started with [`start_with_replicas`](TestCluster::start_with_replicas)).
    ///
    /// ```no_run
    /// use redlua::testing::{TestCluster, TestServer};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = TestCluster::start_with_replicas(3, 1, TestServer::builder())?;
    /// let replica = &cluster.replicas_of(0)[0];
    /// let info: String = redis::cmd("INFO").arg("replication").query(&mut replica.connection()?)?;
    /// assert!(info.contains("role:slave"));
    /// assert!(TestCluster::start(3)?.replicas_of(0).is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn replicas_of(&self, primary: usize) -> &[TestServer] {
        self.replicas.get(primary).map_or(&[], Vec::as_slice)
    }

    /// The URL of every node: the initial nodes of a cluster client.
    ///
    /// ```no_run
    /// use redlua::testing::{TestCluster, TestServer};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = TestCluster::start(3)?;
    /// let urls = cluster.urls();
    /// assert_eq!(urls[0], cluster.nodes()[0].url());
    /// // The initial nodes of a cluster client (`redis::cluster::ClusterClient::new(urls)`);
    /// // each URL is also a node to connect to directly.
    /// for url in &urls {
    ///     let pong: String = redis::cmd("PING").query(&mut redis::Client::open(url.as_str())?.get_connection()?)?;
    ///     assert_eq!(pong, "PONG");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(|n| n.url().to_owned()).collect()
    }

    /// The first and last slot served by each node (as started; tests that reshard keep
    /// track themselves).
    ///
    /// ```no_run
    /// use redlua::testing::{TestCluster, TestServer};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = TestCluster::start(3)?;
    /// // Equal ranges, in the order of `nodes()`.
    /// assert_eq!(cluster.slot_ranges(), [(0, 5460), (5461, 10921), (10922, 16383)]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn slot_ranges(&self) -> &[(u16, u16)] {
        &self.ranges
    }

    /// The node that serves `slot`.
    ///
    /// ```no_run
    /// use redlua::testing::{TestCluster, TestServer};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = TestCluster::start(3)?;
    /// assert!(std::ptr::eq(cluster.node_for_slot(0), &cluster.nodes()[0]));
    /// assert!(std::ptr::eq(cluster.node_for_slot(16383), &cluster.nodes()[2]));
    /// # Ok(())
    /// # }
    /// ```
    pub fn node_for_slot(&self, slot: u16) -> &TestServer {
        let i = self.ranges.iter().position(|&(a, b)| (a..=b).contains(&slot)).unwrap_or(0);
        &self.nodes[i]
    }

    /// The node that serves `key` (hash tags included).
    ///
    /// ```no_run
    /// use redlua::testing::{TestCluster, TestServer};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = TestCluster::start(3)?;
    /// // `foo` is in slot 12182, served by the third node.
    /// assert!(std::ptr::eq(cluster.node_for_key(b"foo"), &cluster.nodes()[2]));
    /// let mut node = cluster.node_for_key(b"foo").connection()?;
    /// redis::cmd("SET").arg("foo").arg("bar").exec(&mut node)?; // no MOVED: this node serves it
    /// # Ok(())
    /// # }
    /// ```
    pub fn node_for_key(&self, key: &[u8]) -> &TestServer {
        self.node_for_slot(crate::cluster::key_slot(key))
    }

    /// A client for the whole cluster.
    ///
    /// ```no_run
    /// #[redlua::library(name = "doc_test_cluster_client")]
    /// mod counters {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn bump(counter: Key) -> i64 {
    ///         incr(&counter)
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = redlua::testing::TestCluster::start(3)?;
    /// let mut con = cluster.client()?.get_connection()?;
    /// assert_eq!(counters::bump("hits:{a}").call_cluster(&mut con)?, 1);
    /// assert_eq!(counters::bump("hits:{b}").call_cluster(&mut con)?, 1);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "cluster")]
    pub fn client(&self) -> redis::RedisResult<redis::cluster::ClusterClient> {
        redis::cluster::ClusterClient::new(self.urls())
    }

    fn report(&self) -> String {
        self.nodes
            .iter()
            .chain(self.replicas.iter().flatten())
            .filter_map(|n| n.process.as_ref().map(|p| p.report()))
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

/// Configures and starts a [`TestServer`].
///
/// The server is started as
///
/// ```text
/// <binary> [config-file] --bind 127.0.0.1 --port <free port> --dir <tmp> --save "" \
///          --appendonly no --logfile <tmp>/server.log <extra args> --daemonize no
/// ```
///
/// A default option is left out when the extra arguments name the same option, so
/// `.args(["--appendonly", "yes"])` turns the append-only file on. With `--port`, that port is
/// used as is (no retry on another one); with `--bind`, the URL uses the first address.
/// `--daemonize` is always `no`: the `TestServer` must own the server process. Leading extra
/// arguments that do not start with `--` (a configuration file) are passed first, as
/// `redis-server` expects.
///
/// ```
/// use redlua::testing::TestServer;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = TestServer::builder()
///     .args(["--appendonly", "yes"])
///     .arg("--maxmemory")
///     .arg("64mb")
///     .start()?;
/// let mut con = server.connection()?;
/// let aof: Vec<String> = redis::cmd("CONFIG").arg("GET").arg("appendonly").query(&mut con)?;
/// assert_eq!(aof, ["appendonly", "yes"]);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `start` is called"]
pub struct TestServerBuilder {
    binary: Option<PathBuf>,
    args: Vec<OsString>,
    startup_timeout: Duration,
}

impl Default for TestServerBuilder {
    fn default() -> Self {
        TestServerBuilder {
            binary: None,
            args: Vec::new(),
            startup_timeout: DEFAULT_STARTUP_TIMEOUT,
        }
    }
}

impl TestServerBuilder {
    /// Adds one argument for the server, e.g. `"--appendonly"` then `"yes"`.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = TestServer::builder().arg("--databases").arg("4").start()?;
    /// let databases: Vec<String> = redis::cmd("CONFIG").arg("GET").arg("databases").query(&mut server.connection()?)?;
    /// assert_eq!(databases, ["databases", "4"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Adds several arguments for the server, e.g. `["--appendonly", "yes"]`.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = TestServer::builder().args(["--maxmemory-policy", "allkeys-lru"]).start()?;
    /// let policy: Vec<String> = redis::cmd("CONFIG").arg("GET").arg("maxmemory-policy").query(&mut server.connection()?)?;
    /// assert_eq!(policy, ["maxmemory-policy", "allkeys-lru"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Runs this program instead of `$REDLUA_SERVER_BIN` or `redis-server` from `PATH`.
    ///
    /// ```
    /// use redlua::testing::{TestServer, TestServerError};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // E.g. a valkey-server, or a Redis built elsewhere.
    /// let err = TestServer::builder().binary("/opt/redis-8/bin/redis-server-missing").start().unwrap_err();
    /// assert!(matches!(err, TestServerError::NotInstalled { .. }));
    /// # Ok(())
    /// # }
    /// ```
    pub fn binary(mut self, path: impl Into<PathBuf>) -> Self {
        self.binary = Some(path.into());
        self
    }

    /// How long to wait for the server to answer `PING` (10 seconds unless set).
    ///
    /// ```
    /// use redlua::testing::TestServer;
    /// use std::time::{Duration, Instant};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let started = Instant::now();
    /// let server = TestServer::builder().startup_timeout(Duration::from_secs(30)).start()?;
    /// assert!(started.elapsed() < Duration::from_secs(30)); // answered PING in time
    /// assert!(server.port().is_some());
    /// # Ok(())
    /// # }
    /// ```
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = timeout;
        self
    }

    /// Starts the server and waits until it answers `PING`.
    ///
    /// The builder can start any number of servers; each gets its own port and directory.
    ///
    /// ```
    /// use redlua::testing::TestServer;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let builder = TestServer::builder().arg("--maxmemory").arg("64mb");
    /// // One builder, two servers: each on its own port, with its own directory.
    /// let (a, b) = (builder.start()?, builder.start()?);
    /// assert_ne!(a.port(), b.port());
    /// assert_ne!(a.dir(), b.dir());
    /// # Ok(())
    /// # }
    /// ```
    pub fn start(&self) -> Result<TestServer, TestServerError> {
        let (binary, binary_source) = self.resolve_binary();
        let plan = Plan::new(&self.args);
        let tmp = make_temp_dir()?;
        let result = self.start_in(&binary, binary_source, &plan, &tmp);
        if result.is_err() {
            let _ = fs::remove_dir_all(&tmp);
        }
        result
    }

    fn start_in(
        &self,
        binary: &Path,
        binary_source: BinarySource,
        plan: &Plan,
        tmp: &Path,
    ) -> Result<TestServer, TestServerError> {
        let attempts = if plan.port.is_some() {
            1
        } else {
            PORT_ATTEMPTS
        };
        let mut last_log = String::new();
        for attempt in 1..=attempts {
            let port = match plan.port {
                Some(port) => port,
                None => free_port(plan.cluster_bus)?,
            };
            let argv = plan.argv(port, tmp);
            let child = match spawn(binary, &argv, tmp) {
                Ok(child) => child,
                Err(TestServerError::Io(err)) if err.kind() == io::ErrorKind::NotFound => {
                    return Err(TestServerError::NotInstalled {
                        binary: binary.to_owned(),
                        hint: binary_source.hint(binary),
                    });
                }
                Err(err) => return Err(err),
            };
            let url = format!("redis://{}:{port}/", plan.host);
            let mut process = Process {
                child,
                tmp: tmp.to_owned(),
                binary: binary.to_owned(),
                argv,
                startup_timeout: self.startup_timeout,
                identity: plan.identity(tmp),
            };
            match wait_ready(&mut process, &url) {
                Ok(()) => {
                    return Ok(TestServer {
                        url,
                        port: Some(port),
                        process: Some(process),
                    })
                }
                Err(Failure::Exited { log, port_taken }) => {
                    // `process` is dropped without `stop`: the child has already exited.
                    if port_taken && attempt < attempts {
                        // Someone took the port between our probe and the server's bind: try
                        // another port, with fresh log files so the next error is readable.
                        let _ = fs::remove_file(tmp.join(LOG_FILE));
                        let _ = fs::remove_file(tmp.join(CONSOLE_FILE));
                        last_log = log;
                        continue;
                    }
                    return Err(TestServerError::StartFailed { log });
                }
                Err(Failure::Fatal(err)) => return Err(err),
            }
        }
        Err(TestServerError::StartFailed { log: last_log })
    }

    fn resolve_binary(&self) -> (PathBuf, BinarySource) {
        if let Some(binary) = &self.binary {
            return (binary.clone(), BinarySource::Builder);
        }
        match std::env::var_os(SERVER_BIN_ENV) {
            Some(bin) if !bin.is_empty() => (PathBuf::from(bin), BinarySource::Env),
            _ => (PathBuf::from(DEFAULT_BINARY), BinarySource::Default),
        }
    }
}

/// Where the binary's name came from, to give a useful hint when it is missing.
#[derive(Debug, Clone, Copy)]
enum BinarySource {
    Builder,
    Env,
    Default,
}

impl BinarySource {
    fn hint(self, binary: &Path) -> String {
        const INSTALL: &str = "install Redis (on Debian or Ubuntu: `apt-get install redis-server`)";
        match self {
            BinarySource::Builder => format!(
                "the program given to TestServerBuilder::binary cannot be run; check the path \
                 `{}`",
                binary.display()
            ),
            BinarySource::Env => format!(
                "{SERVER_BIN_ENV} is set to `{}`, which cannot be run; fix or unset it, or \
                 {INSTALL}",
                binary.display()
            ),
            BinarySource::Default => format!(
                "{INSTALL}, or set {SERVER_BIN_ENV} to the path of a redis-server binary; \
                 `cargo xtask test` installs it when run as root on Debian"
            ),
        }
    }
}

/// The command line of a server, less the port: defaults merged with the user's arguments.
#[derive(Debug)]
struct Plan {
    /// Leading arguments that are not options (a configuration file).
    leading: Vec<OsString>,
    /// The user's options, in order.
    options: Vec<OsString>,
    /// Lower-case names of the options the user gave.
    named: Vec<String>,
    /// The port the user asked for, if any.
    port: Option<u16>,
    /// The host the URL names.
    host: String,
    /// Whether the port above the chosen one (+10000) must be free too (cluster bus).
    cluster_bus: bool,
}

impl Plan {
    fn new(args: &[OsString]) -> Plan {
        let split = args
            .iter()
            .position(|a| a.to_string_lossy().starts_with("--"))
            .unwrap_or(args.len());
        let leading = args[..split].to_vec();
        let options = args[split..].to_vec();

        // Each option as (name, values): `--name v1 v2` or a single `--name v1 v2` argument.
        let mut parsed: Vec<(String, Vec<String>)> = Vec::new();
        for arg in &options {
            let arg = arg.to_string_lossy();
            if let Some(rest) = arg.strip_prefix("--") {
                let mut words = rest.split_whitespace();
                let name = words.next().unwrap_or("").to_ascii_lowercase();
                parsed.push((name, words.map(str::to_owned).collect()));
            } else if let Some((_, values)) = parsed.last_mut() {
                values.push(arg.into_owned());
            }
        }
        let value_of = |name: &str| {
            parsed
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };

        let port = value_of("port").and_then(|v| v.first().and_then(|p| p.parse().ok()));
        let host = match value_of("bind").as_ref().and_then(|v| v.first()) {
            Some(addr) => url_host(addr),
            None => Ipv4Addr::LOCALHOST.to_string(),
        };
        let cluster_bus = value_of("cluster-enabled")
            .and_then(|v| v.first().map(|s| s.eq_ignore_ascii_case("yes")))
            .unwrap_or(false);
        Plan {
            leading,
            options,
            named: parsed.into_iter().map(|(n, _)| n).collect(),
            port,
            host,
            cluster_bus,
        }
    }

    fn user_gave(&self, name: &str) -> bool {
        self.named.iter().any(|n| n == name)
    }

    fn argv(&self, port: u16, tmp: &Path) -> Vec<OsString> {
        let mut argv = self.leading.clone();
        let mut default = |name: &str, values: &[&OsStr]| {
            if !self.user_gave(name) {
                argv.push(format!("--{name}").into());
                argv.extend(values.iter().map(|v| v.to_os_string()));
            }
        };
        default("bind", &[OsStr::new("127.0.0.1")]);
        default("port", &[OsStr::new(&port.to_string())]);
        default("dir", &[tmp.as_os_str()]);
        default("save", &[OsStr::new("")]);
        default("appendonly", &[OsStr::new("no")]);
        default("logfile", &[tmp.join(LOG_FILE).as_os_str()]);
        argv.extend(self.options.iter().cloned());
        argv.push("--daemonize".into());
        argv.push("no".into());
        argv
    }

    /// How to tell that the server answering on the port is ours and not another process that
    /// took the port first: the log file is unique to this server's directory.
    fn identity(&self, tmp: &Path) -> Identity {
        if self.user_gave("logfile") {
            Identity::Pid
        } else {
            Identity::LogFile(tmp.join(LOG_FILE).to_string_lossy().into_owned())
        }
    }
}

/// The host part of a URL for an address given to `--bind`.
fn url_host(addr: &str) -> String {
    let addr = addr.trim_start_matches('-');
    match addr {
        "*" | "0.0.0.0" | "" => Ipv4Addr::LOCALHOST.to_string(),
        "::*" | "::" => "[::1]".to_owned(),
        a if a.contains(':') => format!("[{a}]"),
        a => a.to_owned(),
    }
}

#[derive(Debug, Clone)]
enum Identity {
    LogFile(String),
    Pid,
}

/// A server process this crate started.
#[derive(Debug)]
struct Process {
    child: Child,
    tmp: PathBuf,
    binary: PathBuf,
    argv: Vec<OsString>,
    startup_timeout: Duration,
    identity: Identity,
}

impl Process {
    /// `SHUTDOWN NOSAVE`, a short wait, then kill and reap. Never fails.
    fn stop(&mut self, url: &str) {
        if let Ok(None) = self.child.try_wait() {
            let shutdown_sent = redis::Client::open(url)
                .and_then(|client| client.get_connection_with_timeout(Duration::from_millis(500)))
                .map(|mut con| {
                    let _ = con.set_read_timeout(Some(Duration::from_secs(1)));
                    // The server closes the connection instead of replying: ignore the result.
                    let _: redis::RedisResult<redis::Value> =
                        redis::cmd("SHUTDOWN").arg("NOSAVE").query(&mut con);
                })
                .is_ok();
            let grace = if shutdown_sent {
                Duration::from_secs(2)
            } else {
                Duration::ZERO
            };
            let deadline = Instant::now() + grace;
            while Instant::now() < deadline {
                match self.child.try_wait() {
                    Ok(None) => thread::sleep(Duration::from_millis(10)),
                    _ => break,
                }
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Whether the server answering at `url` is up and is this process.
    fn answers(&self, url: &str) -> bool {
        let ping = || -> redis::RedisResult<bool> {
            let client = redis::Client::open(url)?;
            let mut con = client.get_connection_with_timeout(Duration::from_millis(250))?;
            con.set_read_timeout(Some(Duration::from_secs(1)))?;
            let pong: String = redis::cmd("PING").query(&mut con)?;
            if pong != "PONG" {
                return Ok(false);
            }
            Ok(match &self.identity {
                Identity::LogFile(path) => {
                    let config: HashMap<String, String> = redis::cmd("CONFIG")
                        .arg("GET")
                        .arg("logfile")
                        .query(&mut con)?;
                    config.get("logfile") == Some(path)
                }
                Identity::Pid => {
                    let info: String = redis::cmd("INFO").arg("server").query(&mut con)?;
                    info.lines()
                        .find_map(|l| l.strip_prefix("process_id:"))
                        .and_then(|p| p.trim().parse::<u32>().ok())
                        == Some(self.child.id())
                }
            })
        };
        ping().unwrap_or(false)
    }

    /// The command line and the ends of the log and console files, for error messages.
    fn report(&self) -> String {
        let mut out = format!("command: {}", self.binary.display());
        for arg in &self.argv {
            let arg = arg.to_string_lossy();
            if arg.is_empty() || arg.contains(' ') {
                out.push_str(&format!(" \"{arg}\""));
            } else {
                out.push(' ');
                out.push_str(&arg);
            }
        }
        for name in [LOG_FILE, CONSOLE_FILE] {
            let tail = tail(&self.tmp.join(name), LOG_TAIL_LINES);
            if !tail.trim().is_empty() {
                out.push_str(&format!("\n--- end of {name} ---\n{}", tail.trim_end()));
            }
        }
        out
    }
}

/// Why waiting for a server failed.
enum Failure {
    /// The process exited; `port_taken` when its log says the port was in use.
    Exited { log: String, port_taken: bool },
    /// Anything else: the server has been stopped.
    Fatal(TestServerError),
}

/// Waits until the server answers `PING`, its process exits, or the start-up timeout passes (in
/// which case the process is stopped).
fn wait_ready(process: &mut Process, url: &str) -> Result<(), Failure> {
    let started = Instant::now();
    loop {
        match process.child.try_wait() {
            Ok(Some(_status)) => {
                let log = process.report();
                let port_taken = log.contains("Address already in use")
                    || log.contains("Failed listening on port");
                return Err(Failure::Exited { log, port_taken });
            }
            Ok(None) => {}
            Err(err) => {
                process.stop(url);
                return Err(Failure::Fatal(err.into()));
            }
        }
        if process.answers(url) {
            return Ok(());
        }
        let waited = started.elapsed();
        if waited >= process.startup_timeout {
            process.stop(url);
            let log = process.report();
            return Err(Failure::Fatal(TestServerError::Timeout { waited, log }));
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn spawn(binary: &Path, argv: &[OsString], tmp: &Path) -> Result<Child, TestServerError> {
    let console = OpenOptions::new()
        .create(true)
        .append(true)
        .open(tmp.join(CONSOLE_FILE))?;
    let child = Command::new(binary)
        .args(argv)
        .current_dir(tmp)
        .stdin(Stdio::null())
        .stdout(Stdio::from(console.try_clone()?))
        .stderr(Stdio::from(console))
        .spawn()?;
    Ok(child)
}

/// A loopback port that was free a moment ago (and, for a cluster node, port + 10000 too).
fn free_port(cluster_bus: bool) -> io::Result<u16> {
    for _ in 0..64 {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let port = listener.local_addr()?.port();
        if !cluster_bus {
            return Ok(port);
        }
        if let Some(bus) = port.checked_add(10000)
            && TcpListener::bind((Ipv4Addr::LOCALHOST, bus)).is_ok()
        {
            return Ok(port);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AddrNotAvailable,
        "no free loopback port pair (port, port + 10000) for a cluster node",
    ))
}

/// Creates a directory of our own under the system temporary directory.
fn make_temp_dir() -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let base = std::env::temp_dir();
    loop {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!(
            "redlua-test-server-{}-{n}-{nanos:08x}",
            std::process::id()
        ));
        match fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        }
    }
}

/// The last `lines` lines of a file, or an empty string when it cannot be read.
fn tail(path: &Path, lines: usize) -> String {
    let text = match File::open(path).and_then(|mut f| {
        let mut buf = Vec::new();
        io::Read::read_to_end(&mut f, &mut buf)?;
        Ok(buf)
    }) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => return String::new(),
    };
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpStream;

    fn ping(server: &TestServer) -> String {
        let mut con = server.connection().expect("connect to test server");
        redis::cmd("PING").query(&mut con).expect("PING")
    }

    fn port_closed(port: u16) -> bool {
        TcpStream::connect_timeout(
            &(Ipv4Addr::LOCALHOST, port).into(),
            Duration::from_millis(200),
        )
        .is_err()
    }

    fn process_gone(pid: u32) -> bool {
        if cfg!(target_os = "linux") {
            !Path::new(&format!("/proc/{pid}")).exists()
        } else {
            true
        }
    }

    // ANCHOR: test_server
    #[test]
    fn each_test_gets_its_own_server() -> Result<(), Box<dyn std::error::Error>> {
        let server = TestServer::start()?; // a fresh redis-server, stopped on drop
        let mut con = server.connection()?;
        redis::cmd("SET")
            .arg("greeting")
            .arg("hello")
            .query::<()>(&mut con)?;
        let greeting: String = redis::cmd("GET").arg("greeting").query(&mut con)?;
        assert_eq!(greeting, "hello");
        Ok(())
    }
    // ANCHOR_END: test_server

    #[test]
    fn two_servers_at_once_then_gone_after_drop() {
        let a = TestServer::start().expect("start first server");
        let b = TestServer::start().expect("start second server");
        assert!(!a.is_external() && !b.is_external());
        let (pa, pb) = (a.port().expect("port"), b.port().expect("port"));
        assert_ne!(pa, pb, "two servers share a port");
        assert_ne!(a.dir(), b.dir(), "two servers share a directory");
        assert_eq!(ping(&a), "PONG");
        assert_eq!(ping(&b), "PONG");

        // Each server has its own data.
        let mut ca = a.connection().expect("connect a");
        let mut cb = b.connection().expect("connect b");
        redis::cmd("SET")
            .arg("k")
            .arg("a")
            .query::<()>(&mut ca)
            .expect("SET");
        let in_b: Option<String> = redis::cmd("GET").arg("k").query(&mut cb).expect("GET");
        assert_eq!(in_b, None);
        drop((ca, cb));

        let dir_a = a.dir().expect("dir").to_owned();
        let pid_a = a.pid().expect("pid");
        assert!(dir_a.join(LOG_FILE).exists(), "no server.log in {dir_a:?}");
        drop(a);
        assert!(!dir_a.exists(), "{dir_a:?} left behind");
        assert!(process_gone(pid_a), "process {pid_a} still running");
        assert!(port_closed(pa), "port {pa} still open");

        // The other server is untouched.
        assert_eq!(ping(&b), "PONG");
        let dir_b = b.dir().expect("dir").to_owned();
        let pid_b = b.pid().expect("pid");
        drop(b);
        assert!(!dir_b.exists(), "{dir_b:?} left behind");
        assert!(process_gone(pid_b), "process {pid_b} still running");
        assert!(port_closed(pb), "port {pb} still open");
    }

    #[test]
    fn defaults_turn_persistence_off() {
        let server = TestServer::start().expect("start");
        let mut con = server.connection().expect("connect");
        let get = |con: &mut redis::Connection, name: &str| -> String {
            let map: HashMap<String, String> = redis::cmd("CONFIG")
                .arg("GET")
                .arg(name)
                .query(con)
                .expect("CONFIG GET");
            map.get(name).cloned().unwrap_or_default()
        };
        assert_eq!(get(&mut con, "appendonly"), "no");
        assert_eq!(get(&mut con, "save"), "");
        assert_eq!(get(&mut con, "bind"), "127.0.0.1");
        assert_eq!(
            get(&mut con, "port"),
            server.port().expect("port").to_string()
        );
    }

    #[test]
    fn builder_args_override_defaults() {
        let server = TestServer::builder()
            .args(["--appendonly", "yes"])
            .arg("--maxmemory-policy allkeys-lru")
            .start()
            .expect("start");
        let mut con = server.connection().expect("connect");
        let aof: HashMap<String, String> = redis::cmd("CONFIG")
            .arg("GET")
            .arg("appendonly")
            .query(&mut con)
            .expect("CONFIG GET");
        assert_eq!(aof.get("appendonly").map(String::as_str), Some("yes"));
        let policy: HashMap<String, String> = redis::cmd("CONFIG")
            .arg("GET")
            .arg("maxmemory-policy")
            .query(&mut con)
            .expect("CONFIG GET");
        assert_eq!(
            policy.get("maxmemory-policy").map(String::as_str),
            Some("allkeys-lru")
        );
    }

    #[test]
    fn restart_loses_data_and_keeps_port() {
        let mut server = TestServer::start().expect("start");
        let port = server.port();
        let mut con = server.connection().expect("connect");
        redis::cmd("SET")
            .arg("k")
            .arg("v")
            .query::<()>(&mut con)
            .expect("SET");
        drop(con);
        let old_pid = server.pid();
        server.restart().expect("restart");
        assert_eq!(server.port(), port);
        assert_ne!(server.pid(), old_pid);
        let mut con = server.connection().expect("reconnect");
        let v: Option<String> = redis::cmd("GET").arg("k").query(&mut con).expect("GET");
        assert_eq!(v, None);
    }

    #[test]
    fn missing_binary_is_not_installed() {
        let err = TestServer::builder()
            .binary("/nonexistent/redlua/redis-server")
            .start()
            .expect_err("must fail");
        match &err {
            TestServerError::NotInstalled { binary, .. } => {
                assert_eq!(binary, Path::new("/nonexistent/redlua/redis-server"));
            }
            other => panic!("expected NotInstalled, got {other:?}"),
        }
        assert!(err.to_string().contains("/nonexistent/redlua/redis-server"));
        let hint = BinarySource::Default.hint(Path::new(DEFAULT_BINARY));
        assert!(hint.contains("apt-get install redis-server"), "{hint}");
        assert!(hint.contains(SERVER_BIN_ENV), "{hint}");
    }

    #[test]
    fn bad_argument_fails_with_the_log() {
        let err = TestServer::builder()
            .args(["--no-such-option-for-redlua", "yes"])
            .start()
            .expect_err("must fail");
        match &err {
            TestServerError::StartFailed { log } => {
                assert!(log.contains("no-such-option-for-redlua"), "{log}");
            }
            other => panic!("expected StartFailed, got {other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn silent_server_times_out_and_is_stopped() {
        use std::os::unix::fs::PermissionsExt;
        let dir = make_temp_dir().expect("temp dir");
        let script = dir.join("silent-server");
        fs::write(
            &script,
            "#!/bin/sh\necho silent server here\nexec sleep 30\n",
        )
        .expect("write");
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod");
        let started = Instant::now();
        let err = TestServer::builder()
            .binary(&script)
            .startup_timeout(Duration::from_millis(300))
            .start()
            .expect_err("must time out");
        assert!(started.elapsed() < Duration::from_secs(5));
        match &err {
            TestServerError::Timeout { waited, log } => {
                assert!(*waited >= Duration::from_millis(300));
                assert!(log.contains("silent server here"), "{log}");
            }
            other => panic!("expected Timeout, got {other:?}"),
        }
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn taken_port_is_start_failed() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let err = TestServer::builder()
            .args(["--port", &port.to_string()])
            .start()
            .expect_err("must fail");
        assert!(
            matches!(err, TestServerError::StartFailed { .. }),
            "expected StartFailed, got {err:?}"
        );
    }

    #[test]
    fn from_env_uses_the_url_when_set() {
        let server =
            TestServer::from_url_or_start(Some("redis://127.0.0.1:1/".into())).expect("external");
        assert!(server.is_external());
        assert_eq!(server.url(), "redis://127.0.0.1:1/");
        assert_eq!(server.port(), None);
        assert_eq!(server.dir(), None);

        let server = TestServer::from_url_or_start(Some(String::new())).expect("start");
        assert!(!server.is_external());
        assert_eq!(ping(&server), "PONG");
    }

    #[test]
    fn plan_merges_arguments() {
        let plan = Plan::new(&[
            "redis.conf".into(),
            "--port".into(),
            "7001".into(),
            "--bind ::1".into(),
            "--cluster-enabled".into(),
            "yes".into(),
        ]);
        assert_eq!(plan.port, Some(7001));
        assert_eq!(plan.host, "[::1]");
        assert!(plan.cluster_bus);
        let argv = plan.argv(7001, Path::new("/tmp/x"));
        let argv: Vec<String> = argv
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(argv[0], "redis.conf");
        assert_eq!(argv.iter().filter(|a| *a == "--port").count(), 1);
        assert!(!argv.iter().any(|a| a == "--bind"));
        assert_eq!(&argv[argv.len() - 2..], ["--daemonize", "no"]);
    }
}
