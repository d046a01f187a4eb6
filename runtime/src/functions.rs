//! Managing the Redis Functions of a server: list, stats, delete, dump and restore,
//! kill, and export of the generated Lua.
//!
//! These work on any server, for any library (not only redlua's). They take a
//! connection to one server: on Redis Cluster, run them on each primary (see
//! [`cluster`](crate::cluster) for loading redlua libraries on every primary).
//!
//! ```no_run
//! # fn main() -> Result<(), redlua::Error> {
//! # let client = redis::Client::open("redis://127.0.0.1/").map_err(redlua::Error::from)?;
//! # let mut con = client.get_connection().map_err(redlua::Error::from)?;
//! for lib in redlua::functions::list(&mut con)? {
//!     println!("{} ({} functions)", lib.name, lib.functions.len());
//!     for f in &lib.functions {
//!         println!("  {} {:?}", f.name, f.flags);
//!     }
//! }
//! let backup = redlua::functions::dump(&mut con)?;
//! redlua::functions::restore(&mut con, &backup, redlua::functions::RestorePolicy::Replace)?;
//! # Ok(()) }
//! ```

use crate::call::{bytes, map_fields, req};
use crate::error::Error;
use crate::library::{Library, Script};
use redis::{ConnectionLike, Value};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One library on a server, as `FUNCTION LIST` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LibraryInfo {
    /// The library name.
    pub name: String,
    /// The engine (`LUA`).
    pub engine: String,
    /// Its functions.
    pub functions: Vec<FunctionEntry>,
    /// Its code, when asked for ([`list_with_code`]).
    pub code: Option<String>,
}

impl LibraryInfo {
    /// The stamp (SHA1) of the code, when the code was asked for: compare it with
    /// [`Library::stamp`].
    pub fn stamp(&self) -> Option<String> {
        self.code.as_ref().map(|c| crate::library::stamp_of(c.as_bytes()))
    }
}

/// One function of a library on a server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionEntry {
    /// The function name.
    pub name: String,
    /// Its description, if it has one.
    pub description: Option<String>,
    /// Its flags (`no-writes`, `allow-oom`, ...).
    pub flags: Vec<String>,
}

/// What `FUNCTION STATS` says.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionStats {
    /// The function running right now, if any.
    pub running: Option<RunningFunction>,
    /// Per engine: `(engine, libraries, functions)`.
    pub engines: Vec<(String, u64, u64)>,
}

/// A function that is running (seen from another connection).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunningFunction {
    /// The function name.
    pub name: String,
    /// The command that runs it, with its arguments.
    pub command: Vec<String>,
    /// How long it has been running.
    pub duration: Duration,
}

/// What [`restore`] does with the libraries the server already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestorePolicy {
    /// Add the dumped libraries; fail if one of them exists (`APPEND`, the default of Redis).
    Append,
    /// Add the dumped libraries, replacing those of the same name (`REPLACE`).
    Replace,
    /// Delete all libraries first (`FLUSH`).
    Flush,
}

/// All libraries on the server, with their functions and flags (`FUNCTION LIST`).
pub fn list<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<Vec<LibraryInfo>, Error> {
    let v = req(con, redis::cmd("FUNCTION").arg("LIST")).map_err(Error::from_redis)?;
    Ok(parse_list(v))
}

/// All libraries on the server with their code (`FUNCTION LIST WITHCODE`).
pub fn list_with_code<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<Vec<LibraryInfo>, Error> {
    let v = req(con, redis::cmd("FUNCTION").arg("LIST").arg("WITHCODE")).map_err(Error::from_redis)?;
    Ok(parse_list(v))
}

/// The running function, if any, and the counts of libraries and functions
/// (`FUNCTION STATS`). Answered even while a function runs past the time limit.
pub fn stats<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<FunctionStats, Error> {
    let v = req(con, redis::cmd("FUNCTION").arg("STATS")).map_err(Error::from_redis)?;
    Ok(parse_stats(v))
}

/// Deletes a library (`FUNCTION DELETE`); replies false when there was none of that name.
pub fn delete<C: ConnectionLike + ?Sized>(con: &mut C, library: &str) -> Result<bool, Error> {
    match req(con, redis::cmd("FUNCTION").arg("DELETE").arg(library)) {
        Ok(_) => Ok(true),
        Err(e) if e.code() == Some("ERR") && e.detail().is_some_and(|d| d.trim_start().starts_with("Library not found")) => Ok(false),
        Err(e) => Err(Error::from_redis(e)),
    }
}

/// A binary copy of all libraries (`FUNCTION DUMP`), for [`restore`].
pub fn dump<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<Vec<u8>, Error> {
    let v = req(con, redis::cmd("FUNCTION").arg("DUMP")).map_err(Error::from_redis)?;
    match v {
        Value::BulkString(b) => Ok(b),
        Value::Nil => Ok(Vec::new()),
        other => Err(Error::Reply { message: format!("FUNCTION DUMP replied {other:?}") }),
    }
}

/// Restores libraries from a [`dump`] (`FUNCTION RESTORE`).
pub fn restore<C: ConnectionLike + ?Sized>(con: &mut C, payload: &[u8], policy: RestorePolicy) -> Result<(), Error> {
    let policy = match policy {
        RestorePolicy::Append => "APPEND",
        RestorePolicy::Replace => "REPLACE",
        RestorePolicy::Flush => "FLUSH",
    };
    req(con, redis::cmd("FUNCTION").arg("RESTORE").arg(payload).arg(policy)).map_err(Error::from_redis)?;
    Ok(())
}

/// Stops the function that is running past the time limit (`FUNCTION KILL`).
///
/// Replies true when one was killed, false when none was running (`NOTBUSY`). A function
/// that has already written cannot be killed: the server refuses (an [`Error::Redis`]
/// with code `UNKILLABLE`) and only `SHUTDOWN NOSAVE` stops it.
pub fn kill<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<bool, Error> {
    kill_with(con, "FUNCTION")
}

/// Stops the EVAL script that is running past the time limit (`SCRIPT KILL`); as [`kill`].
pub fn kill_script<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<bool, Error> {
    kill_with(con, "SCRIPT")
}

fn kill_with<C: ConnectionLike + ?Sized>(con: &mut C, what: &str) -> Result<bool, Error> {
    match req(con, redis::cmd(what).arg("KILL")) {
        Ok(_) => Ok(true),
        Err(e) if e.code() == Some("NOTBUSY") => Ok(false),
        Err(e) => Err(Error::from_redis(e)),
    }
}

/// Writes the Lua of each library to `<dir>/<name>.lua` and of each script to
/// `<dir>/<name>.lua`, creating `dir` if needed; returns the paths written.
///
/// For deployments that load code with `redis-cli` instead of at run time:
///
/// ```text
/// redis-cli -x FUNCTION LOAD REPLACE < bank.lua
/// ```
pub fn export(dir: impl AsRef<Path>, libraries: &[&Library], scripts: &[&Script]) -> io::Result<Vec<PathBuf>> {
    let dir = dir.as_ref();
    let mut out = Vec::new();
    for l in libraries {
        out.push(l.export(dir)?);
    }
    for s in scripts {
        out.push(s.export(dir)?);
    }
    Ok(out)
}

fn text(v: &Value) -> Option<String> {
    bytes(v).map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn int(v: &Value) -> u64 {
    match v {
        Value::Int(n) => u64::try_from(*n).unwrap_or(0),
        other => text(other).and_then(|t| t.parse().ok()).unwrap_or(0),
    }
}

fn items(v: Value) -> Vec<Value> {
    match v {
        Value::Array(items) | Value::Set(items) => items,
        _ => Vec::new(),
    }
}

fn field<'a>(fields: &'a [(Vec<u8>, Value)], name: &str) -> Option<&'a Value> {
    fields.iter().find(|(k, _)| k == name.as_bytes()).map(|(_, v)| v)
}

fn take_field(fields: &mut Vec<(Vec<u8>, Value)>, name: &str) -> Option<Value> {
    let i = fields.iter().position(|(k, _)| k == name.as_bytes())?;
    Some(fields.swap_remove(i).1)
}

pub(crate) fn parse_list(v: Value) -> Vec<LibraryInfo> {
    items(v)
        .into_iter()
        .map(|lib| {
            let mut fields = map_fields(lib);
            let name = field(&fields, "library_name").and_then(text).unwrap_or_default();
            let engine = field(&fields, "engine").and_then(text).unwrap_or_default();
            let code = field(&fields, "library_code").and_then(text);
            let functions = take_field(&mut fields, "functions")
                .map(items)
                .unwrap_or_default()
                .into_iter()
                .map(|f| {
                    let f = map_fields(f);
                    FunctionEntry {
                        name: field(&f, "name").and_then(text).unwrap_or_default(),
                        description: field(&f, "description").and_then(text),
                        flags: field(&f, "flags").cloned().map(items).unwrap_or_default().iter().filter_map(text).collect(),
                    }
                })
                .collect();
            LibraryInfo { name, engine, functions, code }
        })
        .collect()
}

fn parse_stats(v: Value) -> FunctionStats {
    let mut fields = map_fields(v);
    let running = take_field(&mut fields, "running_script").and_then(|r| {
        let r = map_fields(r);
        if r.is_empty() {
            return None;
        }
        Some(RunningFunction {
            name: field(&r, "name").and_then(text).unwrap_or_default(),
            command: field(&r, "command").cloned().map(items).unwrap_or_default().iter().filter_map(text).collect(),
            duration: Duration::from_millis(field(&r, "duration_ms").map(int).unwrap_or(0)),
        })
    });
    let engines = take_field(&mut fields, "engines")
        .map(map_fields)
        .unwrap_or_default()
        .into_iter()
        .map(|(engine, counts)| {
            let c = map_fields(counts);
            (
                String::from_utf8_lossy(&engine).into_owned(),
                field(&c, "libraries_count").map(int).unwrap_or(0),
                field(&c, "functions_count").map(int).unwrap_or(0),
            )
        })
        .collect();
    FunctionStats { running, engines }
}
