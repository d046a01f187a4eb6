//! Procedural macros of redlua. Thin entry points: all the work is in
//! `redlua-compiler`. Use them through the `redlua` crate.
#![warn(missing_docs)]

use proc_macro::TokenStream;

/// Turns a module of `#[redis_function]`s into one Redis Functions library.
///
/// `name = "..."` is the library's name on the server; `separate_server` marks a library
/// that is never loaded on a server with the crate's other libraries, so its function names
/// may repeat theirs (otherwise two libraries of one crate with the same function name do
/// not compile: function names are global to a server). The module gets a `LIBRARY`
/// (its Lua code, stamp and loading), one typed stub per function (`bank::transfer(..)`
/// builds an `FCALL`), and `twin::<function>`, the same body as ordinary Rust. Plain `fn`s
/// and structs of the module are translated too, for the functions to use.
///
/// ```
/// #[redlua::library(name = "bank")]
/// pub mod bank {
///     use redlua::prelude::*;
///
///     /// Moves `amount` when `from` holds enough.
///     #[redis_function]
///     pub fn transfer(from: Key, to: Key, amount: i64) -> bool {
///         if get::<i64>(&from).unwrap_or(0) < amount {
///             return false;
///         }
///         decr_by(&from, amount);
///         incr_by(&to, amount);
///         true
///     }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = redlua::testing::TestServer::start()?;
/// let mut con = server.connection()?;
/// redis::cmd("SET").arg("acct:{a}").arg(10).exec(&mut con)?;
/// // The first call loads the library (`FUNCTION LOAD`), then runs `FCALL bank__transfer 2 ..`
/// // (`bank__transfer`: the name of typed calls, which no other library registers).
/// assert!(bank::transfer("acct:{a}", "acct:{b}", 4).call(&mut con)?);
/// assert!(!bank::transfer("acct:{a}", "acct:{b}", 100).call(&mut con)?);
/// let b: i64 = redis::cmd("GET").arg("acct:{b}").query(&mut con)?;
/// assert_eq!(b, 4);
/// assert!(bank::LIBRARY.code().starts_with("#!lua name=bank"));
/// # Ok(()) }
/// ```
#[proc_macro_attribute]
pub fn library(attr: TokenStream, item: TokenStream) -> TokenStream {
    redlua_compiler::expand_library(attr.into(), item.into()).into()
}

/// Marks a function to translate to Lua. Inside a `#[redlua::library]` module it
/// becomes a library function; on its own it becomes an EVAL script.
///
/// Options: `read_only` (flag `no-writes`, called with `FCALL_RO`/`EVALSHA_RO`),
/// `nondeterministic`, `allow_oom`, `allow_stale`, `no_cluster`, `allow_cross_slot_keys`,
/// `dynamic_keys` (see the book's language reference).
///
/// On its own, the function becomes a script: the stub of the same name builds an
/// `EVALSHA` call (with `SCRIPT LOAD` on `NOSCRIPT`), and a module of the same name holds
/// its `SCRIPT` and its `twin`:
///
/// ```
/// use redlua::prelude::*;
///
/// /// Allows at most `limit` hits; the first hit starts a window of `window` seconds.
/// #[redlua::redis_function]
/// pub fn hit(counter: Key, limit: i64, window: i64) -> bool {
///     if get::<i64>(&counter).unwrap_or(0) >= limit {
///         return false;
///     }
///     if incr(&counter) == 1 {
///         expire(&counter, window);
///     }
///     true
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = redlua::testing::TestServer::start()?;
/// let mut con = server.connection()?;
/// let allowed: Vec<bool> = (0..3).map(|_| hit("hits", 2, 60).call(&mut con)).collect::<Result<_, _>>()?;
/// assert_eq!(allowed, [true, true, false]);
/// // The native twin runs the same body as Rust, with the same effects.
/// let twin = redlua::twin::run(&mut con, || hit::twin(Key::from("twin:hits"), 2, 60));
/// assert!(twin);
/// assert_eq!(hit::SCRIPT.sha1().len(), 40);
/// # Ok(()) }
/// ```
#[proc_macro_attribute]
pub fn redis_function(attr: TokenStream, item: TokenStream) -> TokenStream {
    redlua_compiler::expand_script(attr.into(), item.into()).into()
}

/// An EVAL script written inline as a closure:
/// `let capped = redlua::script!(|counter: Key, max: i64| -> i64 { .. });`, then
/// `capped.prepare("hits", 10).call(&mut con)`. Options go first:
/// `script!(read_only; |..| -> T { .. })`.
///
/// ```
/// use redlua::prelude::*;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = redlua::testing::TestServer::start()?;
/// let mut con = server.connection()?;
/// let capped = redlua::script!(|counter: Key, max: i64| -> i64 {
///     let current = get::<i64>(&counter).unwrap_or(0);
///     if current < max { incr(&counter) } else { current }
/// });
/// let replies: Vec<i64> = (0..3).map(|_| capped.prepare("capped", 2).call(&mut con)).collect::<Result<_, _>>()?;
/// assert_eq!(replies, [1, 2, 2]);
///
/// let peek = redlua::script!(read_only; |counter: Key| -> Option<i64> { get::<i64>(&counter) });
/// assert_eq!(peek.prepare("capped").call(&mut con)?, Some(2));
/// assert!(peek.script().is_read_only());
/// # Ok(()) }
/// ```
#[proc_macro]
pub fn script(input: TokenStream) -> TokenStream {
    redlua_compiler::expand_script_closure(input.into()).into()
}

/// A plain struct as a Redis hash: `#[derive(Record)]` implements `redlua::Record`
/// (the struct's fields as a hash's fields), `redis::FromRedisValue` (from a redis
/// function's reply or an `HGETALL`) and `redis::ToRedisArgs` (its fields and values, as
/// `HSET` takes them). Inside a `#[redlua::library]`, `hgetall_as::<T>(&key)?` and
/// `hset_record(&key, &record)` read and write it (see `redlua::record`).
#[proc_macro_derive(Record)]
pub fn derive_record(item: TokenStream) -> TokenStream {
    redlua_compiler::expand_record(item.into()).into()
}

/// A plain struct as a JSON object: `#[derive(Json)]` implements `redlua::Json` (its
/// fields as the object's members, in declaration order). Inside a `#[redlua::library]`,
/// `json_decode::<T>(&text)?` and `json_encode(&value)` read and write it (see
/// `redlua::json`).
#[proc_macro_derive(Json)]
pub fn derive_json(item: TokenStream) -> TokenStream {
    redlua_compiler::expand_json(item.into()).into()
}
