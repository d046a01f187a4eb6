//! Native twins: the body of a redis function, run as Rust on the client.
//!
//! For every function, the macros also emit its body as ordinary Rust (in
//! `my_library::twin::f`, or `my_script::twin` for scripts). rustc type-checks it with
//! your spans, and tests can run it side by side with the Lua to compare them.
//! The commands of [`prelude`](crate::prelude) run against the connection given to
//! [`run`]. A twin is not atomic: use it for tests, not production.

use redis::ConnectionLike;
use std::cell::Cell;

type ConPtr = *mut (dyn ConnectionLike + 'static);

thread_local! {
    static CURRENT: Cell<Option<ConPtr>> = const { Cell::new(None) };
}

struct Restore(Option<ConPtr>);

impl Drop for Restore {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.0));
    }
}

/// Runs `f` (a twin call) with its commands sent on `con`.
///
/// ```
/// #[redlua::library(name = "doc_twin")]
/// mod counter {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn bump(k: Key) -> i64 {
///         incr(&k)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// // The same body, as Lua on the server and as Rust on the client:
/// assert_eq!(counter::bump("hits").call(&mut con).unwrap(), 1);
/// let n = redlua::twin::run(&mut con, || counter::twin::bump("hits".into()));
/// assert_eq!(n, 2);
/// ```
pub fn run<C: ConnectionLike, R>(con: &mut C, f: impl FnOnce() -> R) -> R {
    let ptr: *mut (dyn ConnectionLike + '_) = con;
    // SAFETY: the pointer is only dereferenced by `with_connection` while `f` runs,
    // that is while `con` is mutably borrowed by this call; `Restore` clears it on
    // return and on unwind, so it never outlives the borrow.
    let ptr: ConPtr = unsafe { std::mem::transmute::<*mut (dyn ConnectionLike + '_), ConPtr>(ptr) };
    let previous = CURRENT.with(|c| c.replace(Some(ptr)));
    let _restore = Restore(previous);
    f()
}

/// Like [`run`], but a panic inside the twin (a failed command, a value that is not
/// an integer, an integer overflow) is returned as its message.
///
/// ```
/// #[redlua::library(name = "doc_try_run")]
/// mod counters {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn bump(counter: Key) -> i64 {
///         incr(&counter)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(redlua::twin::try_run(&mut con, || counters::twin::bump("hits".into())), Ok(1));
/// redis::cmd("SET").arg("word").arg("abc").exec(&mut con).unwrap();
/// // INCR fails on the server: the twin panics where the Lua raises an error.
/// let err = redlua::twin::try_run(&mut con, || counters::twin::bump("word".into())).unwrap_err();
/// assert!(err.contains("not an integer"), "{err}");
/// ```
pub fn try_run<C: ConnectionLike, R>(con: &mut C, f: impl FnOnce() -> R) -> Result<R, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(con, f))).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "twin panicked".to_string())
    })
}

/// Sends `cmd` on the current twin connection.
///
/// # Panics
///
/// Outside [`run`], or when the server returns an error: a twin behaves like Rust code
/// that hits an unrecoverable error, as the Lua raises an error reply.
pub(crate) fn query(cmd: &redis::Cmd) -> redis::Value {
    match try_query(cmd) {
        Ok(v) => v,
        Err(e) => panic!("redis error in twin: {e}"),
    }
}

/// The bytes the server of the current twin connection sends for the Lua number `x`
/// passed to `redis.call` (Redis 7.0 writes `%.17g` and keeps `-0`; Valkey and later
/// Redis versions write the shortest text that reads back): the server is asked, once
/// per number and thread, with a script that converts it. `None` outside [`run`].
pub(crate) fn server_number_text(x: f64) -> Option<Vec<u8>> {
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashMap<(usize, u64), Vec<u8>>> = std::cell::RefCell::new(std::collections::HashMap::new());
    }
    let ptr = CURRENT.with(|c| c.get())?;
    let key = (ptr as *mut u8 as usize, x.to_bits());
    if let Some(b) = SEEN.with(|s| s.borrow().get(&key).cloned()) {
        return Some(b);
    }
    // The exact number: Rust's `{:e}` reads back as the same double through strtod.
    let text = if x.is_nan() {
        if x.is_sign_negative() { "-nan".to_string() } else { "nan".to_string() }
    } else {
        format!("{x:e}")
    };
    let mut cmd = redis::cmd("EVAL");
    cmd.arg("return redis.call('ECHO', tonumber(ARGV[1]))").arg(0).arg(text);
    let bytes = match try_query(&cmd) {
        Ok(redis::Value::BulkString(b)) => b,
        _ => return None,
    };
    SEEN.with(|s| s.borrow_mut().insert(key, bytes.clone()));
    Some(bytes)
}

/// Sends `cmd` on the current twin connection; an error reply comes back as its text
/// (`CODE message`, as Lua's `redis.pcall` gives it).
///
/// # Panics
///
/// Outside [`run`], or when the connection itself fails.
pub(crate) fn try_query(cmd: &redis::Cmd) -> Result<redis::Value, String> {
    let ptr = CURRENT.with(|c| c.get());
    let Some(ptr) = ptr else {
        panic!("redlua twin functions run inside redlua::twin::run(&mut con, || ...)");
    };
    // SAFETY: set by `run` from a live `&mut` borrow for the duration of the closure;
    // twins run on the thread that called `run`, one command at a time.
    let con = unsafe { &mut *ptr };
    let text = |e: &redis::RedisError| match (e.code(), e.detail()) {
        (Some(c), Some(d)) => format!("{c} {d}"),
        (Some(c), None) => c.to_string(),
        _ => e.to_string(),
    };
    match con.req_command(cmd) {
        Ok(redis::Value::ServerError(e)) => Err(text(&redis::RedisError::from(e))),
        Ok(v) => Ok(v),
        Err(e) if e.is_io_error() || e.is_connection_dropped() => panic!("redis connection error in twin: {e}"),
        Err(e) => Err(text(&e)),
    }
}
