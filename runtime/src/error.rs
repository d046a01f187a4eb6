//! The one error type of redlua calls.

use std::fmt;

/// Where in the Rust source a Lua runtime error happened.
///
/// ```
/// #[redlua::library(name = "doc_source_location")]
/// mod reads {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn number(k: Key) -> i64 {
///         get::<i64>(&k).unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("n").arg("not a number").exec(&mut con).unwrap();
/// match reads::number("n").call(&mut con) {
///     Err(redlua::Error::Script { location: Some(at), .. }) => {
///         // The Rust line of the failing statement, in the file that defines the library.
///         assert!(at.line > 0);
///         assert_eq!(at.to_string(), format!("{}:{}", at.file, at.line));
///     }
///     other => panic!("{other:?}"),
/// }
/// let at = redlua::SourceLocation { file: "bank.rs", line: 12 };
/// assert_eq!(at.to_string(), "bank.rs:12");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The Rust file name.
    pub file: &'static str,
    /// The Rust line.
    pub line: u32,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// An error from a redlua call, pipeline or management command.
///
/// Server errors are classified by their error code (`NOSCRIPT`, `BUSY`, `EXECABORT`, ...),
/// never by their full text, which differs between Redis and Valkey versions. The one
/// exception is Redis Functions' "function not found", which has the generic code `ERR`
/// on both servers; redlua recognises it by its exact text, `ERR Function not found`.
///
/// A refusal is recognised only in a form that no redlua function can produce: an error
/// raised while a function or script runs (a failing command, a Lua error) always ends
/// with the server's note of where it was raised (` script: .. on @user_function:3.`),
/// which a refusal never has, so it is never taken for one, whatever its code; and
/// `reject!` cannot use a refusal's code or the text `Function not found` (a compile
/// error). Such an error comes back as [`Redis`](Error::Redis) (or
/// [`Script`](Error::Script)), and the call ran.
///
/// Whether a call ran is part of each variant's contract:
///
/// | variant | did the call run? |
/// |---|---|
/// | [`Rejected`](Error::Rejected) | yes, and refused on purpose (it wrote nothing unless it wrote before `reject!`) |
/// | [`Script`](Error::Script) | yes, until the failing statement (Redis does not roll back) |
/// | [`Killed`](Error::Killed) | it started, and was stopped before it wrote anything: no effect |
/// | [`NotLoaded`](Error::NotLoaded), [`FunctionNameTaken`](Error::FunctionNameTaken), [`CrossSlot`](Error::CrossSlot), [`Argument`](Error::Argument) | no |
/// | [`ExecAbort`](Error::ExecAbort), [`WatchConflict`](Error::WatchConflict) | no command of the transaction ran |
/// | [`Busy`](Error::Busy), [`ReadOnlyReplica`](Error::ReadOnlyReplica) | no |
/// | [`Reply`](Error::Reply) | yes: the reply arrived but did not fit the Rust type |
/// | [`Connection`](Error::Connection) | unknown: it may or may not have run |
/// | [`Redis`](Error::Redis) with a refusal code (`LOADING`, `NOPERM`, `OOM`, `MASTERDOWN`, `MISCONF`, `NOREPLICAS`, `CLUSTERDOWN`, `TRYAGAIN`, `MOVED`, `ASK`), sent by the server instead of running the call | no |
/// | [`Redis`](Error::Redis) with any other code (`WRONGTYPE`, ...), or raised while the function ran (any code) | yes, until the failing command |
///
/// ```
/// #[redlua::library(name = "doc_error")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn withdraw(account: Key, amount: i64) -> Result<i64, Reject> {
///         if get::<i64>(&account).unwrap_or(0) < amount {
///             return Err(reject!("insufficient funds"));
///         }
///         Ok(decr_by(&account, amount))
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// use redlua::Error;
///
/// match bank::withdraw("acct", 10).call(&mut con) {
///     Err(Error::Rejected { message }) => assert_eq!(message, "insufficient funds"),
///     other => panic!("{other:?}"),
/// }
/// // An integer Lua could not hold exactly: refused before anything is sent.
/// let err = bank::withdraw("acct", 1 << 60).call(&mut con).unwrap_err();
/// assert!(matches!(err, Error::Argument { .. }) && err.did_not_run());
/// // A command failing inside the function keeps its error code.
/// redis::cmd("RPUSH").arg("list").arg("x").exec(&mut con).unwrap();
/// let err = bank::withdraw("list", 1).call(&mut con).unwrap_err();
/// assert_eq!(err.redis_error().and_then(|e| e.code()), Some("WRONGTYPE"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The function returned `Err(reject!(..))`: its own, deliberate refusal.
    Rejected {
        /// The message given to `reject!`.
        message: String,
    },
    /// The Lua code raised an error at run time (integer overflow, a value that is not
    /// an integer, an index out of bounds, a Lua error), mapped back to the Rust line when
    /// possible. A command inside the function that fails with its own error code (such
    /// as `WRONGTYPE`) comes back as [`Error::Redis`] with that code, so it can be matched.
    Script {
        /// The server's message.
        message: String,
        /// The Rust source line of the statement that failed, when known.
        location: Option<SourceLocation>,
    },
    /// The function or script was stopped by `FUNCTION KILL` or `SCRIPT KILL` (see
    /// [`functions::kill`](crate::functions::kill)) while it ran past the server's time
    /// limit. The server kills only code that has not written yet, so the call had no
    /// effect: [`did_not_run`](Error::did_not_run) is true and sending it again cannot
    /// apply it twice. Whoever killed it probably had a reason (a function that loops
    /// forever would loop again).
    Killed {
        /// What the server said.
        message: String,
    },
    /// The server did not have the function or script (`ERR Function not found`,
    /// `NOSCRIPT`) and the call did not run: loading the code and sending the call once
    /// more did not help, or the call was part of a transaction, where redlua does not
    /// send it again (see [`Pipeline`](crate::Pipeline)).
    NotLoaded {
        /// The library function (`library.function`) or script name.
        name: String,
        /// What the server said.
        detail: String,
    },
    /// The library could not be loaded because another library on the server already
    /// registers a function of the same name (`ERR Function <name> already exists`):
    /// function names are global to a server. The call did not run, and no code of the
    /// other library ran in its place (typed calls name the function
    /// `<library>__<function>`, which only this library registers; see
    /// [`FunctionCall::command`](crate::FunctionCall::command)).
    ///
    /// Rename the function in one of the libraries, or keep the libraries on different
    /// servers; `FUNCTION LIST` shows which library holds the name.
    FunctionNameTaken {
        /// The library that could not be loaded.
        library: String,
        /// The function name that another library holds.
        function: String,
        /// What the server said.
        detail: String,
    },
    /// A script or function is running past the server's time limit (`BUSY`): the server
    /// refuses other commands until it ends or is killed with
    /// [`functions::kill`](crate::functions::kill) (possible only while it has not
    /// written). The call did not run.
    Busy(redis::RedisError),
    /// The server is a read-only replica (`READONLY`) and the call may write. The call did
    /// not run.
    ReadOnlyReplica(redis::RedisError),
    /// A transaction was discarded at `EXEC` because a queued command was invalid
    /// (`EXECABORT`): nothing of it ran.
    ExecAbort {
        /// The position of each refused command in the pipeline and the server's reason.
        errors: Vec<(usize, String)>,
    },
    /// `EXEC` returned nothing because a key `WATCH`ed by the connection changed: nothing
    /// of the transaction ran. Read again and retry.
    WatchConflict,
    /// The keys of one call hash to different cluster slots (`CROSSSLOT`). When redlua
    /// checks this itself (the `call_cluster` methods), nothing is sent to the server.
    /// Give the keys a common hash tag, e.g. `acct:{alice}:main` and `acct:{alice}:savings`.
    CrossSlot {
        /// The keys of the call and their slots; empty when the server reported it.
        keys: Vec<(Vec<u8>, u16)>,
        /// What is wrong, readable.
        message: String,
    },
    /// An argument could not be sent as one Redis argument, or is out of range.
    Argument {
        /// What is wrong.
        message: String,
    },
    /// The reply did not have the expected type.
    Reply {
        /// What could not be converted.
        message: String,
    },
    /// The connection failed (I/O error, connection refused or dropped, timeout). A call
    /// sent before it failed may or may not have run; redlua never sends it again.
    Connection(redis::RedisError),
    /// Any other error from the server or the client library.
    Redis(redis::RedisError),
}

impl Error {
    /// Classifies a server or connection error by its error code.
    pub(crate) fn from_redis(e: redis::RedisError) -> Error {
        if is_connection_error(&e) {
            return Error::Connection(e);
        }
        if is_killed(&e) {
            return Error::Killed { message: e.detail().unwrap_or_default().to_string() };
        }
        // A function's own rejection (`reject!`) is only ever returned, never raised: its
        // text is the function's, even when its run-time data looks like the server's
        // location suffix.
        if e.code() == Some("REJECT") {
            return Error::Rejected { message: e.detail().unwrap_or_default().to_string() };
        }
        // Raised while a function or script ran: whatever its code, the call ran.
        if raised_while_running(&e) {
            return Error::Redis(e);
        }
        if e.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::ExecAbort)
            && let Some(errors) = e.clone().into_server_errors()
        {
            let errors: Vec<(usize, redis::ServerError)> =
                errors.iter().filter(|(_, se)| se.code() != "EXECABORT").cloned().collect();
            if !errors.is_empty() || e.code() == Some("EXECABORT") {
                return exec_abort(errors);
            }
        }
        match e.code() {
            Some("REJECT") => Error::Rejected {
                message: e.detail().unwrap_or_default().to_string(),
            },
            Some("BUSY") => Error::Busy(e),
            Some("READONLY") => Error::ReadOnlyReplica(e),
            Some("CROSSSLOT") => Error::CrossSlot {
                keys: Vec::new(),
                message: e.to_string(),
            },
            Some("EXECABORT") => redis::ServerError::try_from(e)
                .ok()
                .and_then(|se| exec_refusal(&se))
                .unwrap_or(Error::ExecAbort { errors: Vec::new() }),
            _ => Error::Redis(e),
        }
    }

    /// The underlying redis-rs error, if there is one.
    ///
    /// ```
    /// #[redlua::library(name = "doc_redis_error")]
    /// mod lists {
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
    /// redis::cmd("RPUSH").arg("list").arg("x").exec(&mut con).unwrap();
    /// let err = lists::bump("list").call(&mut con).unwrap_err();
    /// assert!(matches!(err, redlua::Error::Redis(_)));
    /// assert_eq!(err.redis_error().unwrap().code(), Some("WRONGTYPE"));
    /// assert!(redlua::Error::WatchConflict.redis_error().is_none());
    /// ```
    pub fn redis_error(&self) -> Option<&redis::RedisError> {
        match self {
            Error::Busy(e) | Error::ReadOnlyReplica(e) | Error::Connection(e) | Error::Redis(e) => {
                Some(e)
            }
            _ => None,
        }
    }

    /// True when the call certainly did not run, so sending it again cannot run it twice
    /// (see the table in the type's documentation).
    ///
    /// ```
    /// #[redlua::library(name = "doc_did_not_run")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn pay(account: Key, amount: i64) -> Result<i64, Reject> {
    ///         if amount <= 0 {
    ///             return Err(reject!("amount must be positive"));
    ///         }
    ///         Ok(incr_by(&account, amount))
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// // Refused by the function itself: it ran.
    /// let err = bank::pay("acct", 0).call(&mut con).unwrap_err();
    /// assert!(!err.did_not_run());
    /// // Refused by redlua before sending: safe to send again (after fixing the argument).
    /// let err = bank::pay("acct", i64::MAX).call(&mut con).unwrap_err();
    /// assert!(err.did_not_run());
    /// assert!(redlua::Error::WatchConflict.did_not_run());
    /// ```
    pub fn did_not_run(&self) -> bool {
        match self {
            Error::NotLoaded { .. }
            | Error::Killed { .. }
            | Error::FunctionNameTaken { .. }
            | Error::CrossSlot { .. }
            | Error::Argument { .. }
            | Error::ExecAbort { .. }
            | Error::WatchConflict
            | Error::Busy(_)
            | Error::ReadOnlyReplica(_) => true,
            // The server refused the command itself before running it: still loading its
            // data, no permission for FCALL, out of memory, a cluster that is down or
            // points elsewhere. The same code raised while the function ran (the server's
            // location suffix) means it ran.
            Error::Redis(e) => is_refusal(e),
            _ => false,
        }
    }
}

/// True for the error a function or script ends with when `FUNCTION KILL` or `SCRIPT KILL`
/// stopped it: `ERR Script killed by user with SCRIPT KILL...` on Redis 7 (for both
/// commands), then the server's location suffix. No redlua function can raise this text
/// (`reject!` has its own code, a failing command keeps its own, and a Lua error starts
/// with its position).
pub(crate) fn is_killed(e: &redis::RedisError) -> bool {
    e.code() == Some("ERR") && e.detail().is_some_and(|d| d.starts_with("Script killed by user with "))
}

/// The codes of the server's refusals of a command it did not run (besides `BUSY`,
/// `READONLY`, `CROSSSLOT`, `EXECABORT` and `NOSCRIPT`, which have their own variants).
const REFUSAL_CODES: [&str; 10] = ["LOADING", "NOPERM", "OOM", "MASTERDOWN", "MISCONF", "NOREPLICAS", "CLUSTERDOWN", "TRYAGAIN", "MOVED", "ASK"];

/// A refusal of the call by the server: one of [`REFUSAL_CODES`], not raised by a body.
fn is_refusal(e: &redis::RedisError) -> bool {
    e.code().is_some_and(|c| REFUSAL_CODES.contains(&c)) && !raised_while_running(e)
}

/// True for an error raised while a function or script ran (by `error()`, a failing
/// `redis.call`, a Lua runtime error): the server ends every such error with where it was
/// raised, ` script: <name>, on @user_function:<line>.` on Redis 7 and
/// ` script: on @user_function:<line>.` on Valkey (`@user_script:` for EVAL scripts).
/// A refusal of the call itself never has it, and neither does a reply the function
/// returned (`reject!`, whose codes and texts the compiler keeps apart from refusals).
pub(crate) fn raised_while_running(e: &redis::RedisError) -> bool {
    let text = e.detail().unwrap_or_default();
    let Some(body) = text.trim_end().strip_suffix('.') else { return false };
    let Some((head, line)) = body.rsplit_once(':') else { return false };
    if line.is_empty() || !line.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Some(before) = head.strip_suffix("@user_function").or_else(|| head.strip_suffix("@user_script")) else { return false };
    // `script: ` starts the suffix; with an empty message it is the whole detail.
    before.starts_with("script: ") || before.contains(" script: ")
}

/// I/O, refused, dropped and timed-out connections, and a cluster node that cannot be reached.
pub(crate) fn is_connection_error(e: &redis::RedisError) -> bool {
    e.is_io_error()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_timeout()
        || e.kind() == redis::ErrorKind::ClusterConnectionNotFound
}

/// A transaction discarded at `EXEC` for the commands refused while it was queued. When
/// the server refused every one of them with `BUSY` (a script or function was running past
/// the time limit), it is [`Error::Busy`]: nothing ran, and the transaction may be sent
/// again later. Otherwise it is [`Error::ExecAbort`], a mistake in the transaction.
pub(crate) fn exec_abort(errors: Vec<(usize, redis::ServerError)>) -> Error {
    if let Some((_, first)) = errors.first()
        && errors.iter().all(|(_, e)| e.code() == "BUSY")
    {
        return Error::Busy(first.clone().into());
    }
    Error::ExecAbort { errors: errors.iter().map(|(i, se)| (*i, server_error_text(se))).collect() }
}

/// `EXEC` refused by the server itself (no permission, `BUSY`): Redis discards the
/// transaction and replies `EXECABORT Transaction discarded because of: <the refusal>`.
/// The refusal, classified by its own code; `None` for any other reply.
pub(crate) fn exec_refusal(e: &redis::ServerError) -> Option<Error> {
    let cause = e.details()?.strip_prefix("Transaction discarded because of: ")?;
    let cause = cause.strip_prefix('-').unwrap_or(cause);
    let (code, detail) = cause.split_once(' ').unwrap_or((cause, ""));
    (e.code() == "EXECABORT" && !code.is_empty())
        .then(|| Error::from_redis(redis::make_extension_error(code.to_string(), Some(detail.to_string()))))
}

fn server_error_text(e: &redis::ServerError) -> String {
    match e.details() {
        Some(d) => format!("{} {d}", e.code()),
        None => e.code().to_string(),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Rejected { message } => write!(f, "rejected by the function: {message}"),
            Error::Script {
                message,
                location: Some(l),
            } => write!(f, "error in redis function at {l}: {message}"),
            Error::Script {
                message,
                location: None,
            } => write!(f, "error in redis function: {message}"),
            Error::Killed { message } => write!(
                f,
                "the function or script was killed (FUNCTION KILL or SCRIPT KILL) before it wrote anything: {message}"
            ),
            Error::NotLoaded { name, detail } => write!(
                f,
                "`{name}` is not loaded on the server and did not run: {detail}"
            ),
            Error::FunctionNameTaken { library, function, detail } => write!(
                f,
                "library `{library}` could not be loaded and the call did not run: another library on the server registers a function named `{function}` ({detail})"
            ),
            Error::Busy(e) => write!(f, "the server is busy running a script or function: {e}"),
            Error::ReadOnlyReplica(e) => write!(f, "the server is a read-only replica: {e}"),
            Error::ExecAbort { errors } if errors.is_empty() => {
                write!(f, "the transaction was discarded (EXECABORT): nothing ran")
            }
            Error::ExecAbort { errors } => {
                write!(
                    f,
                    "the transaction was discarded (EXECABORT), nothing ran; refused:"
                )?;
                for (i, e) in errors {
                    write!(f, " [command {i}: {e}]")?;
                }
                Ok(())
            }
            Error::WatchConflict => write!(
                f,
                "a watched key changed: the transaction did not run (EXEC returned nil)"
            ),
            Error::CrossSlot { message, .. } => {
                write!(f, "keys in different cluster slots: {message}")
            }
            Error::Argument { message } => write!(f, "invalid argument: {message}"),
            Error::Reply { message } => write!(f, "unexpected reply: {message}"),
            Error::Connection(e) => write!(f, "connection error: {e}"),
            Error::Redis(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.redis_error().map(|e| e as _)
    }
}

impl From<redis::RedisError> for Error {
    fn from(e: redis::RedisError) -> Self {
        Error::from_redis(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(code: &str, detail: &str) -> redis::RedisError {
        redis::make_extension_error(code.to_string(), Some(detail.to_string()))
    }

    #[test]
    fn server_errors_are_classified_by_code() {
        assert!(matches!(
            Error::from_redis(server("BUSY", "Redis is busy running a script.")),
            Error::Busy(_)
        ));
        assert!(matches!(
            Error::from_redis(server("BUSY", "Valkey is busy")),
            Error::Busy(_)
        ));
        assert!(matches!(
            Error::from_redis(server("READONLY", "x")),
            Error::ReadOnlyReplica(_)
        ));
        assert!(
            matches!(Error::from_redis(server("REJECT", "no")), Error::Rejected { message } if message == "no")
        );
        assert!(matches!(
            Error::from_redis(server("BUSYKEY", "x")),
            Error::Redis(_)
        ));
    }

    #[test]
    fn refusal_codes_did_not_run_other_codes_may_have() {
        for code in ["LOADING", "NOPERM", "OOM", "MASTERDOWN", "MISCONF", "NOREPLICAS", "CLUSTERDOWN", "TRYAGAIN", "MOVED", "ASK"] {
            let e = Error::from_redis(server(code, "x"));
            assert!(matches!(e, Error::Redis(_)) && e.did_not_run(), "{code}: {e:?}");
        }
        for code in ["WRONGTYPE", "ERR", "BUSYKEY"] {
            let e = Error::from_redis(server(code, "x"));
            assert!(!e.did_not_run(), "{code}: {e:?}");
        }
    }

    /// What the servers send for an error raised while a function ran (measured on Redis
    /// 7.0.15 and Valkey 9.1.2), with each refusal code.
    fn raised(code: &str, valkey: bool) -> redis::RedisError {
        let at = if valkey { "script: on @user_function:3." } else { "script: bump, on @user_function:3." };
        server(code, &format!("raised by the body {at}"))
    }

    #[test]
    fn errors_raised_while_a_function_ran_are_never_refusals() {
        for code in ["BUSY", "READONLY", "CROSSSLOT", "EXECABORT", "NOSCRIPT", "LOADING", "NOPERM", "OOM", "MASTERDOWN", "MISCONF", "NOREPLICAS", "CLUSTERDOWN", "TRYAGAIN", "MOVED", "ASK"] {
            for valkey in [false, true] {
                let e = raised(code, valkey);
                assert!(raised_while_running(&e), "{e:?}");
                let e = Error::from_redis(e);
                assert!(matches!(e, Error::Redis(_)) && !e.did_not_run(), "{code}: {e:?}");
            }
        }
        // An empty message, a script, a Lua error with its own position.
        assert!(raised_while_running(&server("OOM", "script: on @user_script:1.")));
        assert!(raised_while_running(&server("ERR", "user_function:2: boom script: f, on @user_function:2.")));
        // The servers' own refusals.
        for (code, text) in [
            ("BUSY", "Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."),
            ("NOSCRIPT", "No matching script. Please use EVAL."),
            ("NOSCRIPT", "No matching script."),
            ("NOPERM", "this user has no permissions to run the 'fcall' command"),
            ("OOM", "command not allowed when used memory > 'maxmemory'."),
            ("ERR", "Function not found"),
        ] {
            assert!(!raised_while_running(&server(code, text)), "{code} {text}");
        }
        assert!(!raised_while_running(&server("ERR", "x script: f, on @user_function:.")));
        assert!(!raised_while_running(&server("ERR", "on @user_function:3.")));
    }

    #[test]
    fn a_killed_function_is_killed_and_did_not_run() {
        // Measured on Redis 7.0.15, after FUNCTION KILL and after SCRIPT KILL.
        for text in [
            "Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.",
            "Script killed by user with SCRIPT KILL... script: 694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7, on @user_script:1.",
        ] {
            let e = Error::from_redis(server("ERR", text));
            assert!(matches!(&e, Error::Killed { message } if message == text), "{e:?}");
            assert!(e.did_not_run());
        }
        // A Lua error of the body saying the same starts with its position: not a kill.
        let e = Error::from_redis(server("ERR", "user_function:3: Script killed by user with X script: f, on @user_function:3."));
        assert!(!matches!(e, Error::Killed { .. }) && !e.did_not_run(), "{e:?}");
    }

    #[test]
    fn a_transaction_discarded_for_busy_is_busy() {
        let busy = redis::ServerError::try_from(server("BUSY", "Redis is busy running a script.")).unwrap();
        let arity = redis::ServerError::try_from(server("ERR", "wrong number of arguments for 'get' command")).unwrap();
        let e = exec_abort(vec![(0, busy.clone()), (1, busy.clone())]);
        assert!(matches!(&e, Error::Busy(_)) && e.did_not_run(), "{e:?}");
        let e = exec_abort(vec![(0, busy), (1, arity)]);
        assert!(matches!(&e, Error::ExecAbort { errors } if errors.len() == 2), "{e:?}");
        assert!(matches!(exec_abort(Vec::new()), Error::ExecAbort { errors } if errors.is_empty()));
    }

    #[test]
    fn exec_refused_by_the_server_is_the_refusal() {
        // Measured on Redis 7.0.15 for a user without `exec`.
        let e = redis::ServerError::try_from(server(
            "EXECABORT",
            "Transaction discarded because of: NOPERM this user has no permissions to run the 'exec' command",
        ))
        .unwrap();
        let r = exec_refusal(&e).expect("a refusal");
        assert_eq!(r.redis_error().and_then(|e| e.code()), Some("NOPERM"), "{r:?}");
        assert!(r.did_not_run() && r.to_string().contains("'exec'"), "{r}");
        let e = redis::ServerError::try_from(server("EXECABORT", "Transaction discarded because of: BUSY Redis is busy running a script.")).unwrap();
        assert!(matches!(exec_refusal(&e), Some(Error::Busy(_))));
        let e = redis::ServerError::try_from(server("EXECABORT", "Transaction discarded because of previous errors.")).unwrap();
        assert!(exec_refusal(&e).is_none());
    }

    #[test]
    fn io_errors_are_connection_errors() {
        let e: redis::RedisError =
            std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset").into();
        let e = Error::from_redis(e);
        assert!(matches!(e, Error::Connection(_)), "{e:?}");
        assert!(!e.did_not_run());
    }
}
