//! Typed calls: `FCALL`/`EVALSHA` with recovery, sync and async.
//!
//! Recovery rule: a call is sent again only after the server said the function or
//! script does not exist (`ERR Function not found`, `NOSCRIPT`): in that case it
//! certainly did not run. Then the code is loaded and the call is sent once more, and
//! only once. Any other error (including a lost connection, after which the call may
//! or may not have run) is returned, never retried.

use crate::error::Error;
use crate::events::Trigger;
use crate::library::{Library, Script};
#[cfg(feature = "aio")]
use crate::wire::Async;
use crate::wire::{decode_value, is_function_not_found, is_noscript, now, Blocking, Wire};
use redis::{ConnectionLike, FromRedisValue, RedisResult, ToRedisArgs, Value};
use std::future::Future;
use std::marker::PhantomData;

/// The encoded keys and arguments of one call (used by generated stubs).
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Args {
    keys: Vec<Vec<u8>>,
    args: Vec<Vec<u8>>,
    error: Option<String>,
    /// The optional argument left out, if any: the ones after it must be left out too.
    gap: Option<&'static str>,
}

/// The largest integer Lua represents exactly.
const MAX_SAFE_INT: i64 = (1 << 53) - 1;

fn encode_one<T: ToRedisArgs>(v: &T) -> Result<Vec<u8>, String> {
    let mut one = One { arg: Vec::new(), count: 0 };
    v.write_redis_args(&mut one);
    if one.count == 1 {
        Ok(one.arg)
    } else {
        Err(format!("a parameter must encode to exactly one Redis argument, this one gave {}", one.count))
    }
}

/// Receives what a parameter encodes to: keeps the first argument and counts them all
/// (what `to_redis_args` gives, without its outer `Vec`).
struct One {
    arg: Vec<u8>,
    count: usize,
}

impl One {
    /// Where the next argument goes: `arg` for the first one, nowhere for the others.
    fn next(&mut self) -> Option<&mut Vec<u8>> {
        self.count += 1;
        (self.count == 1).then_some(&mut self.arg)
    }
}

impl redis::RedisWrite for One {
    fn write_arg(&mut self, arg: &[u8]) {
        if let Some(out) = self.next() {
            out.extend_from_slice(arg);
        }
    }

    fn write_arg_fmt(&mut self, arg: impl std::fmt::Display) {
        if let Some(out) = self.next() {
            use std::io::Write;
            let _ = write!(out, "{arg}");
        }
    }

    fn writer_for_next_arg(&mut self) -> impl std::io::Write + '_ {
        ArgWriter(self.next())
    }
}

/// [`One::writer_for_next_arg`]: writes into the kept argument, or drops the bytes.
struct ArgWriter<'a>(Option<&'a mut Vec<u8>>);

impl std::io::Write for ArgWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(out) = &mut self.0 {
            out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Args {
    pub fn new(num_keys: usize, num_args: usize) -> Args {
        Args { keys: Vec::with_capacity(num_keys), args: Vec::with_capacity(num_args), error: None, gap: None }
    }

    fn fail(&mut self, e: String) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    pub fn key<T: ToRedisArgs>(&mut self, k: &T) {
        match encode_one(k) {
            Ok(b) => self.keys.push(b),
            Err(e) => self.fail(e),
        }
    }

    pub fn arg<T: ToRedisArgs>(&mut self, a: &T) {
        match encode_one(a) {
            Ok(b) => self.args.push(b),
            Err(e) => self.fail(e),
        }
    }

    pub fn int(&mut self, n: i64) {
        if !(-MAX_SAFE_INT..=MAX_SAFE_INT).contains(&n) {
            self.fail(format!("{n} is beyond ±(2^53 - 1), the exact integer range of Lua"));
        }
        self.args.push(n.to_string().into_bytes());
    }

    pub fn bool(&mut self, b: bool) {
        self.args.push(if b { b"1".to_vec() } else { b"0".to_vec() });
    }

    /// Whether the optional argument `name` can be sent: `present` and no optional one
    /// before it was left out (ARGV has no holes: the function could not tell which one
    /// is missing).
    fn optional(&mut self, name: &'static str, present: bool) -> bool {
        match (present, self.gap) {
            (false, None) => {
                self.gap = Some(name);
                false
            }
            (false, Some(_)) => false,
            (true, None) => true,
            (true, Some(missing)) => {
                self.fail(format!("`{name}` is given but `{missing}`, an optional argument before it, is not: leave out only trailing ones"));
                false
            }
        }
    }

    pub fn opt_arg<T: ToRedisArgs>(&mut self, name: &'static str, a: Option<T>) {
        if self.optional(name, a.is_some())
            && let Some(a) = a
        {
            self.arg(&a);
        }
    }

    pub fn opt_int(&mut self, name: &'static str, n: Option<i64>) {
        if self.optional(name, n.is_some())
            && let Some(n) = n
        {
            self.int(n);
        }
    }

    pub fn opt_bool(&mut self, name: &'static str, b: Option<bool>) {
        if self.optional(name, b.is_some())
            && let Some(b) = b
        {
            self.bool(b);
        }
    }

    pub(crate) fn check(&self) -> Result<(), Error> {
        match &self.error {
            Some(m) => Err(Error::Argument { message: m.clone() }),
            None => Ok(()),
        }
    }

    /// `name target numkeys keys.. args..`, in a command given its exact size up front
    /// (one allocation per buffer instead of one per doubling).
    fn command(&self, name: &str, target: &str) -> redis::Cmd {
        let parts = self.keys.iter().chain(&self.args);
        let numkeys = self.keys.len();
        let digits = numkeys.checked_ilog10().unwrap_or(0) as usize + 1;
        let data = name.len() + target.len() + digits + parts.clone().map(Vec::len).sum::<usize>();
        let mut cmd = redis::Cmd::with_capacity(3 + self.keys.len() + self.args.len(), data);
        cmd.arg(name).arg(target).arg(numkeys);
        for p in parts {
            cmd.arg(p.as_slice());
        }
        cmd
    }

    /// The keys of the call, as sent.
    pub fn keys(&self) -> &[Vec<u8>] {
        &self.keys
    }
}

/// The code a call needs on the server.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Code {
    Library(&'static Library),
    Script(&'static Script),
}

impl Code {
    /// True for the server's "this code is missing" answer to a call of this kind.
    pub(crate) fn is_missing(&self, e: &redis::RedisError) -> bool {
        match self {
            Code::Library(_) => is_function_not_found(e),
            Code::Script(_) => is_noscript(e),
        }
    }

    /// A server or connection error, classified, with Lua lines mapped to Rust lines.
    pub(crate) fn error(&self, e: redis::RedisError) -> Error {
        let text = e.to_string();
        if crate::error::is_killed(&e) {
            return Error::from_redis(e);
        }
        if e.code() == Some("ERR") && (text.contains("user_function:") || text.contains("user_script:")) {
            let location = match self {
                Code::Library(l) => l.locate(&text),
                Code::Script(s) => s.locate(&text),
            };
            return Error::Script { location, message: e.detail().unwrap_or_default().to_string() };
        }
        Error::from_redis(e)
    }

    /// Loads the code again after the server said it was missing.
    pub(crate) async fn reload_on<W: Wire>(&self, w: &mut W) -> Result<(), Error> {
        match self {
            Code::Library(l) => l.reload_on(w).await,
            Code::Script(s) => s.load_on(w, Trigger::Recovery).await,
        }
    }

    /// The code was missing and loading it failed (no permission, a name taken by another
    /// library, a lost connection): the call did not run.
    fn reload_failed(&self, e: Error, name: &dyn Fn() -> String) -> Error {
        let what = match self {
            Code::Library(_) => "library",
            Code::Script(_) => "script",
        };
        match e {
            e @ (Error::NotLoaded { .. } | Error::FunctionNameTaken { .. } | Error::Busy(_) | Error::ReadOnlyReplica(_)) => e,
            e => Error::NotLoaded { name: name(), detail: format!("loading the {what} failed: {e}") },
        }
    }

    pub(crate) fn same(&self, other: &Code) -> bool {
        match (self, other) {
            (Code::Library(a), Code::Library(b)) => std::ptr::eq(*a, *b) || a.name() == b.name(),
            (Code::Script(a), Code::Script(b)) => a.sha1() == b.sha1(),
            _ => false,
        }
    }
}

/// The name of a call in errors, made only when an error needs it.
pub(crate) type Name<'a> = &'a (dyn Fn() -> String + Sync);

/// One way to send a call and to load its code: to one server ([`ToServer`]), or routed
/// on a Redis Cluster. [`recover`] decides what is sent when.
pub(crate) trait Attempt {
    /// Sends the call: the first time, or `again` for the one time after loading the code.
    fn send(&mut self, again: bool) -> impl Future<Output = RedisResult<Value>>;

    /// Loads the code the server said it does not have.
    fn load(&mut self) -> impl Future<Output = Result<(), Error>>;
}

/// The recovery rule, the one body behind every way of running a call (sync and async,
/// one server and cluster).
///
/// Sends the call; when the server says it does not have the code (`ERR Function not
/// found`, `NOSCRIPT`: the call certainly did not run), loads it and sends the call once
/// more, and only once. Any other error, a lost connection included (after which the call
/// may or may not have run), is returned as it is, never sent again. A failed load is
/// [`Error::NotLoaded`] (or the load's own error when it says why, e.g.
/// [`Error::FunctionNameTaken`]): the call did not run.
pub(crate) async fn recover<T: FromRedisValue>(code: Code, name: Name<'_>, attempt: &mut impl Attempt) -> Result<T, Error> {
    match attempt.send(false).await {
        Err(e) if code.is_missing(&e) => {
            attempt.load().await.map_err(|e| code.reload_failed(e, name))?;
            match attempt.send(true).await {
                Err(e) if code.is_missing(&e) => Err(Error::NotLoaded { name: name(), detail: e.to_string() }),
                other => decode(other, code),
            }
        }
        other => decode(other, code),
    }
}

/// A call sent to one server: the same command both times.
struct ToServer<'a, W> {
    wire: &'a mut W,
    code: Code,
    command: &'a redis::Cmd,
}

impl<W: Wire> Attempt for ToServer<'_, W> {
    fn send(&mut self, _again: bool) -> impl Future<Output = RedisResult<Value>> {
        self.wire.req(self.command)
    }

    fn load(&mut self) -> impl Future<Output = Result<(), Error>> {
        self.code.reload_on(self.wire)
    }
}

/// Runs a call on one server, with [`recover`].
async fn run_on<W: Wire, T: FromRedisValue>(wire: &mut W, code: Code, command: &redis::Cmd, name: Name<'_>) -> Result<T, Error> {
    recover(code, name, &mut ToServer { wire, code, command }).await
}

/// What a pipeline needs from a call.
pub(crate) struct Parts {
    pub(crate) code: Code,
    pub(crate) name: String,
    pub(crate) command: redis::Cmd,
    pub(crate) invalid: Option<Error>,
}

mod sealed {
    /// Implemented by [`FunctionCall`](crate::FunctionCall) and [`ScriptCall`](crate::ScriptCall) only.
    pub trait Sealed {
        #[doc(hidden)]
        fn __parts(&self) -> super::PartsBox;
    }
}

/// Opaque carrier of [`Parts`] across the sealed trait.
#[doc(hidden)]
pub struct PartsBox(pub(crate) Parts);

/// A typed call of a redis function or script: [`FunctionCall`] or [`ScriptCall`].
///
/// Used by [`Pipeline::add`](crate::Pipeline::add); this trait is sealed.
///
/// ```
/// #[redlua::library(name = "doc_call_trait")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function(read_only)]
///     pub fn balance(account: Key) -> i64 {
///         get::<i64>(&account).unwrap_or(0)
///     }
/// }
///
/// /// Adds any typed call to a pipeline; the handle has the call's reply type.
/// fn queue<C: redlua::Call>(pipe: &mut redlua::Pipeline, call: C) -> redlua::Handle<C::Output> {
///     pipe.add(call)
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// let mut pipe = redlua::Pipeline::new();
/// let after = queue(&mut pipe, bank::deposit("acct", 5));
/// let read = queue(&mut pipe, bank::balance("acct"));
/// let replies = pipe.query(&mut con).unwrap();
/// assert_eq!((replies.get(after).unwrap(), replies.get(read).unwrap()), (5, 5));
/// ```
pub trait Call: sealed::Sealed {
    /// The Rust type of the reply.
    type Output: FromRedisValue;
}

/// One call of a library function: run it with [`call`](FunctionCall::call) or
/// `call_async` (crate feature `aio`), or add it to a [`Pipeline`](crate::Pipeline).
///
/// Made by the stubs that `#[redlua::library]` generates, e.g.
/// `bank::transfer("acct:{alice}", "acct:{bob}", 50)`.
///
/// ```
/// #[redlua::library(name = "doc_function_call")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function(read_only)]
///     pub fn balance(account: Key) -> i64 {
///         get::<i64>(&account).unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// let call: redlua::FunctionCall<i64> = bank::deposit("acct", 50);
/// assert_eq!(call.call(&mut con).unwrap(), 50);
/// assert_eq!(bank::balance("acct").call(&mut con).unwrap(), 50);
/// ```
#[must_use = "a FunctionCall does nothing until it is run with .call(&mut con)"]
#[derive(Debug, Clone)]
pub struct FunctionCall<T> {
    library: &'static Library,
    function: &'static str,
    read_only: bool,
    args: Args,
    reply: PhantomData<fn() -> T>,
}

impl<T: FromRedisValue> FunctionCall<T> {
    #[doc(hidden)]
    pub fn __new(library: &'static Library, function: &'static str, read_only: bool, args: Args) -> Self {
        FunctionCall { library, function, read_only, args, reply: PhantomData }
    }

    /// The library this function belongs to.
    ///
    /// ```
    /// #[redlua::library(name = "doc_fcall_library")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// let call = bank::deposit("acct", 5);
    /// assert_eq!(call.library().name(), "doc_fcall_library");
    /// assert!(std::ptr::eq(call.library(), &bank::LIBRARY));
    /// ```
    pub fn library(&self) -> &'static Library {
        self.library
    }

    /// The function name.
    ///
    /// ```
    /// #[redlua::library(name = "doc_fcall_function")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// assert_eq!(bank::deposit("acct", 5).function(), "deposit");
    /// ```
    pub fn function(&self) -> &'static str {
        self.function
    }

    /// True when the call is sent with `FCALL_RO` (a `read_only` function).
    ///
    /// ```
    /// #[redlua::library(name = "doc_fcall_ro")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// assert!(bank::balance("acct").is_read_only()); // FCALL_RO
    /// assert!(!bank::deposit("acct", 5).is_read_only()); // FCALL
    /// ```
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The keys of the call, as sent.
    ///
    /// ```
    /// #[redlua::library(name = "doc_fcall_keys")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// assert_eq!(bank::deposit("acct:{ann}", 5).keys(), [b"acct:{ann}".to_vec()]);
    /// ```
    pub fn keys(&self) -> &[Vec<u8>] {
        self.args.keys()
    }

    /// The command this call sends (`FCALL` or `FCALL_RO` with its keys and arguments).
    ///
    /// It names the function `<library>__<function>`: every redlua library registers each
    /// of its functions under that name as well as under its plain name (which other
    /// clients, `redis-cli` and other languages, keep using). Function names are global to
    /// a server; no other library registers this one, so the call never runs another
    /// library's function of the same plain name. When one holds the plain name, loading
    /// this library fails with [`Error::FunctionNameTaken`] before anything runs.
    ///
    /// ```
    /// #[redlua::library(name = "doc_fcall_command")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// let packed = bank::deposit("acct", 5).command().get_packed_command();
    /// let expected = redis::cmd("FCALL").arg("doc_fcall_command__deposit").arg(1).arg("acct").arg(5).get_packed_command();
    /// assert_eq!(packed, expected);
    /// ```
    pub fn command(&self) -> redis::Cmd {
        self.args.command(if self.read_only { "FCALL_RO" } else { "FCALL" }, &self.library.call_name(self.function))
    }

    /// Adds the call's command to a plain redis-rs pipeline and returns the pipeline.
    ///
    /// A plain pipeline knows nothing of libraries: load them first (e.g.
    /// `bank::LIBRARY.load(&mut con)`), and expect `ERR Function not found` in its
    /// replies if the server loses them. [`Pipeline`](crate::Pipeline) does both for you.
    /// An invalid argument (see [`Error::Argument`]) is sent anyway and the server
    /// receives its text; use [`Pipeline`](crate::Pipeline) to have it refused instead.
    ///
    /// ```
    /// #[redlua::library(name = "doc_fcall_add_to")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// bank::LIBRARY.load(&mut con).unwrap(); // a plain pipeline does not load it
    /// let mut pipe = redis::pipe();
    /// bank::deposit("acct", 5).add_to(&mut pipe);
    /// bank::balance("acct").add_to(&mut pipe);
    /// let (after, balance): (i64, i64) = pipe.query(&mut con).unwrap();
    /// assert_eq!((after, balance), (5, 5));
    /// ```
    pub fn add_to<'p>(&self, pipe: &'p mut redis::Pipeline) -> &'p mut redis::Pipeline {
        pipe.add_command(self.command())
    }

    /// Runs the call. When the server does not have the function (restart, failover,
    /// `FUNCTION FLUSH`), loads the library and sends the call once more: a call that
    /// was not found cannot have run, so nothing runs twice.
    ///
    /// On Redis Cluster prefer `call_cluster` (crate feature `cluster`), which checks
    /// that the keys share a slot before sending.
    ///
    /// ```
    /// #[redlua::library(name = "doc_fcall_call")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// assert_eq!(bank::deposit("acct", 5).call(&mut con).unwrap(), 5); // loads the library
    /// redis::cmd("FUNCTION").arg("FLUSH").exec(&mut con).unwrap();
    /// // The server lost the library: it is loaded again, and the call runs once.
    /// assert_eq!(bank::deposit("acct", 5).call(&mut con).unwrap(), 10);
    /// ```
    pub fn call<C: ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<T, Error> {
        self.args.check()?;
        now(run_on(&mut Blocking(con), Code::Library(self.library), &self.command(), &|| self.name()))
    }

    /// [`call`](FunctionCall::call) over an async connection (e.g.
    /// `redis::aio::MultiplexedConnection`, `redis::aio::ConnectionManager`), with the
    /// same recovery: the library is loaded and the call sent once more only when the
    /// server said the function does not exist.
    ///
    /// ```
    /// #[redlua::library(name = "doc_fcall_async")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// assert_eq!(bank::deposit("acct", 5).call_async(&mut con).await.unwrap(), 5);
    /// assert_eq!(bank::balance("acct").call_async(&mut con).await.unwrap(), 5);
    /// # });
    /// ```
    #[cfg(feature = "aio")]
    pub async fn call_async<C: redis::aio::ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<T, Error> {
        self.args.check()?;
        run_on(&mut Async(con), Code::Library(self.library), &self.command(), &|| self.name()).await
    }

    /// `library.function`, as errors name the call.
    pub(crate) fn name(&self) -> String {
        format!("{}.{}", self.library.name(), self.function)
    }

    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    pub(crate) fn args(&self) -> &Args {
        &self.args
    }
}

impl<T: FromRedisValue> sealed::Sealed for FunctionCall<T> {
    fn __parts(&self) -> PartsBox {
        PartsBox(Parts {
            code: Code::Library(self.library),
            name: self.name(),
            command: self.command(),
            invalid: self.args.check().err(),
        })
    }
}

impl<T: FromRedisValue> Call for FunctionCall<T> {
    type Output = T;
}

/// One run of an EVAL script: run it with [`call`](ScriptCall::call) or
/// `call_async` (crate feature `aio`), or add it to a [`Pipeline`](crate::Pipeline).
///
/// ```
/// use redlua::prelude::*;
///
/// /// Adds `by` to a counter, up to `max`.
/// #[redis_function]
/// fn capped_add(counter: Key, by: i64, max: i64) -> i64 {
///     let now = get::<i64>(&counter).unwrap_or(0);
///     if now + by > max {
///         return now;
///     }
///     incr_by(&counter, by)
/// }
///
/// # fn main() {
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// let call: redlua::ScriptCall<i64> = capped_add("hits", 7, 10);
/// assert_eq!(call.call(&mut con).unwrap(), 7);
/// assert_eq!(capped_add("hits", 7, 10).call(&mut con).unwrap(), 7); // capped
/// # }
/// ```
#[must_use = "a ScriptCall does nothing until it is run with .call(&mut con)"]
#[derive(Debug, Clone)]
pub struct ScriptCall<T> {
    script: &'static Script,
    args: Args,
    reply: PhantomData<fn() -> T>,
}

impl<T: FromRedisValue> ScriptCall<T> {
    #[doc(hidden)]
    pub fn __new(script: &'static Script, args: Args) -> Self {
        ScriptCall { script, args, reply: PhantomData }
    }

    /// The script.
    ///
    /// ```
    /// use redlua::prelude::*;
    ///
    /// /// Adds `by` to a counter, up to `max`.
    /// #[redis_function]
    /// fn capped_add(counter: Key, by: i64, max: i64) -> i64 {
    ///     let now = get::<i64>(&counter).unwrap_or(0);
    ///     if now + by > max {
    ///         return now;
    ///     }
    ///     incr_by(&counter, by)
    /// }
    ///
    /// # fn main() {
    /// assert_eq!(capped_add("hits", 1, 10).script().sha1(), capped_add::SHA1);
    /// # }
    /// ```
    pub fn script(&self) -> &'static Script {
        self.script
    }

    /// The keys of the call, as sent.
    ///
    /// ```
    /// use redlua::prelude::*;
    ///
    /// /// Adds `by` to a counter, up to `max`.
    /// #[redis_function]
    /// fn capped_add(counter: Key, by: i64, max: i64) -> i64 {
    ///     let now = get::<i64>(&counter).unwrap_or(0);
    ///     if now + by > max {
    ///         return now;
    ///     }
    ///     incr_by(&counter, by)
    /// }
    ///
    /// # fn main() {
    /// assert_eq!(capped_add("hits", 1, 10).keys(), [b"hits".to_vec()]);
    /// # }
    /// ```
    pub fn keys(&self) -> &[Vec<u8>] {
        self.args.keys()
    }

    /// The command this call sends (`EVALSHA` or `EVALSHA_RO`).
    ///
    /// ```
    /// use redlua::prelude::*;
    ///
    /// /// Adds `by` to a counter, up to `max`.
    /// #[redis_function]
    /// fn capped_add(counter: Key, by: i64, max: i64) -> i64 {
    ///     let now = get::<i64>(&counter).unwrap_or(0);
    ///     if now + by > max {
    ///         return now;
    ///     }
    ///     incr_by(&counter, by)
    /// }
    ///
    /// # fn main() {
    /// let packed = capped_add("hits", 1, 10).command().get_packed_command();
    /// let expected = redis::cmd("EVALSHA").arg(capped_add::SHA1).arg(1).arg("hits").arg(1).arg(10).get_packed_command();
    /// assert_eq!(packed, expected);
    /// # }
    /// ```
    pub fn command(&self) -> redis::Cmd {
        self.args.command(if self.script.is_read_only() { "EVALSHA_RO" } else { "EVALSHA" }, self.script.sha1())
    }

    /// Adds the call's `EVALSHA` to a plain redis-rs pipeline and returns the pipeline;
    /// see [`FunctionCall::add_to`] for what a plain pipeline does not do.
    ///
    /// ```
    /// use redlua::prelude::*;
    ///
    /// /// Adds `by` to a counter, up to `max`.
    /// #[redis_function]
    /// fn capped_add(counter: Key, by: i64, max: i64) -> i64 {
    ///     let now = get::<i64>(&counter).unwrap_or(0);
    ///     if now + by > max {
    ///         return now;
    ///     }
    ///     incr_by(&counter, by)
    /// }
    ///
    /// # fn main() {
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// capped_add::SCRIPT.load(&mut con).unwrap(); // a plain pipeline does not load it
    /// let mut pipe = redis::pipe();
    /// capped_add("hits", 4, 10).add_to(&mut pipe);
    /// capped_add("hits", 4, 10).add_to(&mut pipe);
    /// let (a, b): (i64, i64) = pipe.query(&mut con).unwrap();
    /// assert_eq!((a, b), (4, 8));
    /// # }
    /// ```
    pub fn add_to<'p>(&self, pipe: &'p mut redis::Pipeline) -> &'p mut redis::Pipeline {
        pipe.add_command(self.command())
    }

    /// Runs the script by SHA1; on `NOSCRIPT` loads it and sends the call once more
    /// (a script the server did not have cannot have run).
    ///
    /// ```
    /// use redlua::prelude::*;
    ///
    /// /// Adds `by` to a counter, up to `max`.
    /// #[redis_function]
    /// fn capped_add(counter: Key, by: i64, max: i64) -> i64 {
    ///     let now = get::<i64>(&counter).unwrap_or(0);
    ///     if now + by > max {
    ///         return now;
    ///     }
    ///     incr_by(&counter, by)
    /// }
    ///
    /// # fn main() {
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// assert_eq!(capped_add("hits", 4, 10).call(&mut con).unwrap(), 4);
    /// redis::cmd("SCRIPT").arg("FLUSH").exec(&mut con).unwrap();
    /// // NOSCRIPT: the script is loaded and the call sent once more.
    /// assert_eq!(capped_add("hits", 4, 10).call(&mut con).unwrap(), 8);
    /// # }
    /// ```
    pub fn call<C: ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<T, Error> {
        self.args.check()?;
        now(run_on(&mut Blocking(con), Code::Script(self.script), &self.command(), &|| self.script.name().to_string()))
    }

    /// [`call`](ScriptCall::call) over an async connection, with the same recovery.
    ///
    /// ```
    /// use redlua::prelude::*;
    ///
    /// /// Adds `by` to a counter, up to `max`.
    /// #[redis_function]
    /// fn capped_add(counter: Key, by: i64, max: i64) -> i64 {
    ///     let now = get::<i64>(&counter).unwrap_or(0);
    ///     if now + by > max {
    ///         return now;
    ///     }
    ///     incr_by(&counter, by)
    /// }
    ///
    /// # fn main() {
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// assert_eq!(capped_add("hits", 4, 10).call_async(&mut con).await.unwrap(), 4);
    /// # });
    /// # }
    /// ```
    #[cfg(feature = "aio")]
    pub async fn call_async<C: redis::aio::ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<T, Error> {
        self.args.check()?;
        run_on(&mut Async(con), Code::Script(self.script), &self.command(), &|| self.script.name().to_string()).await
    }

    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    pub(crate) fn args(&self) -> &Args {
        &self.args
    }
}

impl<T: FromRedisValue> sealed::Sealed for ScriptCall<T> {
    fn __parts(&self) -> PartsBox {
        PartsBox(Parts {
            code: Code::Script(self.script),
            name: self.script.name().to_string(),
            command: self.command(),
            invalid: self.args.check().err(),
        })
    }
}

impl<T: FromRedisValue> Call for ScriptCall<T> {
    type Output = T;
}

pub(crate) fn parts<C: Call + ?Sized>(call: &C) -> Parts {
    call.__parts().0
}

/// A call's reply: its value as `T`, or its error classified.
fn decode<T: FromRedisValue>(r: RedisResult<Value>, code: Code) -> Result<T, Error> {
    let v = match r {
        Ok(Value::ServerError(e)) => return Err(code.error(e.into())),
        Ok(v) => v,
        Err(e) => return Err(code.error(e)),
    };
    decode_value(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    static LIB: Library = Library::__new("shop", "", "", "shop.rs", &[], &[]);
    static SCRIPT: Script = Script::__new("bump", "", "0000", "bump.rs", &[], false, 1, 0, &[]);

    /// A server that answers from a script: what was sent and loaded is recorded.
    struct Scripted {
        replies: Vec<RedisResult<Value>>,
        loads: Vec<Result<(), Error>>,
        /// One entry per send: `again` as [`recover`] said.
        sent: Vec<bool>,
        loaded: usize,
    }

    impl Scripted {
        fn new(replies: Vec<RedisResult<Value>>, loads: Vec<Result<(), Error>>) -> Scripted {
            Scripted { replies, loads, sent: Vec::new(), loaded: 0 }
        }
    }

    impl Attempt for Scripted {
        fn send(&mut self, again: bool) -> impl Future<Output = RedisResult<Value>> {
            self.sent.push(again);
            let reply = if self.replies.is_empty() { Err(refusal("TEST", "no reply left")) } else { self.replies.remove(0) };
            std::future::ready(reply)
        }

        fn load(&mut self) -> impl Future<Output = Result<(), Error>> {
            self.loaded += 1;
            let done = if self.loads.is_empty() { Err(Error::Reply { message: "no load left".into() }) } else { self.loads.remove(0) };
            std::future::ready(done)
        }
    }

    fn refusal(code: &str, detail: &str) -> redis::RedisError {
        redis::make_extension_error(code.to_string(), Some(detail.to_string()))
    }

    fn lost() -> redis::RedisError {
        std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset").into()
    }

    fn run(code: Code, server: &mut Scripted) -> Result<i64, Error> {
        now(recover(code, &|| "shop.buy".to_string(), server))
    }

    #[test]
    fn a_reply_is_decoded_and_nothing_else_is_sent() {
        let mut server = Scripted::new(vec![Ok(Value::Int(7))], vec![]);
        assert_eq!(run(Code::Library(&LIB), &mut server).unwrap(), 7);
        assert_eq!((server.sent, server.loaded), (vec![false], 0));
    }

    #[test]
    fn missing_code_is_loaded_and_the_call_sent_once_more() {
        for (code, missing) in [
            (Code::Library(&LIB), refusal("ERR", "Function not found")),
            (Code::Script(&SCRIPT), refusal("NOSCRIPT", "No matching script.")),
        ] {
            let mut server = Scripted::new(vec![Err(missing), Ok(Value::Int(1))], vec![Ok(())]);
            assert_eq!(run(code, &mut server).unwrap(), 1);
            assert_eq!((server.sent, server.loaded), (vec![false, true], 1));
        }
    }

    #[test]
    fn a_call_that_may_have_run_is_never_sent_again() {
        let ran = [
            lost(),
            refusal("ERR", "Function not found script: f, on @user_function:3."),
            refusal("BUSY", "Redis is busy running a script."),
            refusal("REJECT", "no"),
        ];
        for e in ran {
            let mut server = Scripted::new(vec![Err(e), Ok(Value::Int(1))], vec![Ok(())]);
            assert!(run(Code::Library(&LIB), &mut server).is_err());
            assert_eq!((server.sent, server.loaded), (vec![false], 0));
        }
        // The other kind's refusal is not this code missing.
        let mut server = Scripted::new(vec![Err(refusal("NOSCRIPT", "No matching script.")), Ok(Value::Int(1))], vec![]);
        assert!(run(Code::Library(&LIB), &mut server).is_err());
        assert_eq!(server.sent, vec![false]);
    }

    #[test]
    fn the_call_is_sent_at_most_twice() {
        let missing = || Err(refusal("ERR", "Function not found"));
        let mut server = Scripted::new(vec![missing(), missing(), Ok(Value::Int(1))], vec![Ok(()), Ok(())]);
        let e = run(Code::Library(&LIB), &mut server).unwrap_err();
        assert!(matches!(&e, Error::NotLoaded { name, .. } if name == "shop.buy"), "{e:?}");
        assert!(e.did_not_run());
        assert_eq!((server.sent, server.loaded), (vec![false, true], 1));
        // Lost on the second send: returned as it is, not sent a third time.
        let mut server = Scripted::new(vec![missing(), Err(lost()), Ok(Value::Int(1))], vec![Ok(())]);
        assert!(matches!(run(Code::Library(&LIB), &mut server), Err(Error::Connection(_))));
        assert_eq!(server.sent, vec![false, true]);
    }

    #[test]
    fn a_failed_load_means_the_call_did_not_run() {
        let missing = || Err(refusal("ERR", "Function not found"));
        let mut server = Scripted::new(vec![missing(), Ok(Value::Int(1))], vec![Err(Error::from_redis(lost()))]);
        let e = run(Code::Library(&LIB), &mut server).unwrap_err();
        assert!(matches!(&e, Error::NotLoaded { detail, .. } if detail.starts_with("loading the library failed")), "{e:?}");
        assert_eq!((server.sent, server.loaded), (vec![false], 1));
        // A load error that says why is kept.
        let taken = Error::FunctionNameTaken { library: "shop".into(), function: "buy".into(), detail: String::new() };
        let mut server = Scripted::new(vec![missing()], vec![Err(taken)]);
        assert!(matches!(run(Code::Library(&LIB), &mut server), Err(Error::FunctionNameTaken { .. })));
    }

    #[test]
    fn args_refuse_integers_beyond_lua_precision() {
        let mut a = Args::new(0, 1);
        a.int(1 << 53);
        assert!(matches!(a.check(), Err(Error::Argument { .. })));
        let mut b = Args::new(0, 1);
        b.int((1 << 53) - 1);
        assert!(b.check().is_ok());
    }

    #[test]
    fn args_encode_as_to_redis_args_does() {
        let mut a = Args::new(1, 3);
        a.key(&"k:{1}");
        a.arg(&2.5f64);
        a.arg(&-7i64);
        a.arg(&Some("x"));
        assert!(a.check().is_ok());
        assert_eq!(a.keys, vec![b"k:{1}".to_vec()]);
        assert_eq!(a.args, vec![b"2.5".to_vec(), b"-7".to_vec(), b"x".to_vec()]);
        let none: Option<&str> = None;
        let mut b = Args::new(0, 1);
        b.arg(&none);
        assert!(matches!(b.check(), Err(Error::Argument { .. })));
    }

    #[test]
    fn commands_are_packed_as_with_redis_cmd() {
        for (keys, args) in [(0, 0), (1, 0), (2, 1), (12, 3)] {
            let mut a = Args::new(keys, args);
            for i in 0..keys {
                a.key(&format!("key:{i}"));
            }
            for i in 0..args {
                a.int(i as i64 * 1000);
            }
            let mut expected = redis::cmd("FCALL");
            expected.arg("f").arg(keys);
            for i in 0..keys {
                expected.arg(format!("key:{i}"));
            }
            for i in 0..args {
                expected.arg(i as i64 * 1000);
            }
            assert_eq!(a.command("FCALL", "f").get_packed_command(), expected.get_packed_command());
        }
    }

    #[test]
    fn args_refuse_multi_valued_parameters() {
        let mut a = Args::new(1, 0);
        a.key(&vec!["a", "b"]);
        assert!(matches!(a.check(), Err(Error::Argument { .. })));
    }
}

