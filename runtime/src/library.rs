//! Libraries and scripts: their code, version stamps, loading and export.
//!
//! An explicit load sends `FUNCTION LOAD REPLACE`, after `FUNCTION LIST .. WITHCODE` has
//! shown that the server's copy is missing or differs. `REPLACE` makes a load
//! idempotent: two clients loading the same library at once both succeed, and on a
//! cluster connection (where redis-rs sends `FUNCTION LOAD` to every primary) primaries
//! that already have the library do not fail the load. Recovery after "Function not
//! found" first sends `FUNCTION LOAD` without `REPLACE` (see `Library::reload_on`).

use crate::error::{Error, SourceLocation};
use crate::events::{self, Event, Trigger};
#[cfg(feature = "aio")]
use crate::wire::Async;
use crate::wire::{bytes, exists_reply, map_fields, now, Blocking, LibraryStatus, Op, Wire};
use redis::{ConnectionLike, Value};
use std::io;
use std::path::{Path, PathBuf};

/// What one library function looks like to the server.
///
/// ```
/// #[redlua::library(name = "doc_info")]
/// mod queue {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn push(queue: Key, job: String) -> i64 {
///         rpush(&queue.derive(":waiting"), &job)
///     }
///
///     #[redis_function(read_only)]
///     pub fn waiting(queue: Key) -> i64 {
///         llen(&queue.derive(":waiting"))
///     }
/// }
///
/// let names: Vec<&str> = queue::LIBRARY.functions().iter().map(|f| f.name()).collect();
/// assert_eq!(names, ["push", "waiting"]);
/// let push = queue::LIBRARY.function("push").unwrap();
/// assert_eq!((push.num_keys(), push.num_args()), (1, 1));
/// ```
#[derive(Debug)]
pub struct FunctionInfo {
    name: &'static str,
    flags: &'static [&'static str],
    num_keys: usize,
    num_args: usize,
    derived_from: &'static [usize],
}

impl FunctionInfo {
    #[doc(hidden)]
    pub const fn __new(name: &'static str, flags: &'static [&'static str], num_keys: usize, num_args: usize, derived_from: &'static [usize]) -> Self {
        FunctionInfo { name, flags, num_keys, num_args, derived_from }
    }

    /// The KEYS positions (1-based) that the function derives other keys from
    /// (`key.derive(..)`): in a cluster, these keys must carry a hash tag.
    ///
    /// ```
    /// #[redlua::library(name = "doc_info_derived")]
    /// mod queue {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn push(queue: Key, job: String) -> i64 {
    ///         rpush(&queue.derive(":waiting"), &job)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn waiting(queue: Key) -> i64 {
    ///         llen(&queue.derive(":waiting"))
    ///     }
    /// }
    ///
    /// // Both functions name keys derived from their first key.
    /// assert_eq!(queue::LIBRARY.function("push").unwrap().derived_from(), [1]);
    /// ```
    pub fn derived_from(&self) -> &'static [usize] {
        self.derived_from
    }

    /// The function name.
    ///
    /// ```
    /// #[redlua::library(name = "doc_info_name")]
    /// mod queue {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn push(queue: Key, job: String) -> i64 {
    ///         rpush(&queue.derive(":waiting"), &job)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn waiting(queue: Key) -> i64 {
    ///         llen(&queue.derive(":waiting"))
    ///     }
    /// }
    ///
    /// assert_eq!(queue::LIBRARY.functions()[1].name(), "waiting");
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Its flags (`no-writes`, ...).
    ///
    /// ```
    /// #[redlua::library(name = "doc_info_flags")]
    /// mod queue {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn push(queue: Key, job: String) -> i64 {
    ///         rpush(&queue.derive(":waiting"), &job)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn waiting(queue: Key) -> i64 {
    ///         llen(&queue.derive(":waiting"))
    ///     }
    /// }
    ///
    /// assert!(queue::LIBRARY.function("push").unwrap().flags().is_empty());
    /// assert_eq!(queue::LIBRARY.function("waiting").unwrap().flags(), ["no-writes"]);
    /// ```
    pub fn flags(&self) -> &'static [&'static str] {
        self.flags
    }

    /// How many keys it takes.
    ///
    /// ```
    /// #[redlua::library(name = "doc_info_keys")]
    /// mod queue {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn push(queue: Key, job: String) -> i64 {
    ///         rpush(&queue.derive(":waiting"), &job)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn waiting(queue: Key) -> i64 {
    ///         llen(&queue.derive(":waiting"))
    ///     }
    /// }
    ///
    /// assert_eq!(queue::LIBRARY.function("waiting").unwrap().num_keys(), 1);
    /// ```
    pub fn num_keys(&self) -> usize {
        self.num_keys
    }

    /// How many non-key arguments it takes.
    ///
    /// ```
    /// #[redlua::library(name = "doc_info_args")]
    /// mod queue {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn push(queue: Key, job: String) -> i64 {
    ///         rpush(&queue.derive(":waiting"), &job)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn waiting(queue: Key) -> i64 {
    ///         llen(&queue.derive(":waiting"))
    ///     }
    /// }
    ///
    /// assert_eq!(queue::LIBRARY.function("push").unwrap().num_args(), 1);
    /// assert_eq!(queue::LIBRARY.function("waiting").unwrap().num_args(), 0);
    /// ```
    pub fn num_args(&self) -> usize {
        self.num_args
    }
}

/// A Redis Functions library generated by `#[redlua::library]`.
///
/// ```
/// #[redlua::library(name = "doc_library")]
/// mod greet {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn hello(name: String) -> String {
///         format!("hello {name}")
///     }
/// }
///
/// // The library is `greet::LIBRARY`, its Lua `greet::LUA`.
/// let library: &redlua::Library = &greet::LIBRARY;
/// assert_eq!(library.name(), "doc_library");
/// assert_eq!(library.code(), greet::LUA);
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// // Deploy time: load it (calls would load it on their own as well).
/// assert_eq!(library.load(&mut con).unwrap(), redlua::LoadOutcome::Loaded);
/// assert_eq!(greet::hello("ann".to_string()).call(&mut con).unwrap(), "hello ann");
/// ```
#[derive(Debug)]
pub struct Library {
    name: &'static str,
    code: &'static str,
    stamp: &'static str,
    file: &'static str,
    lines: &'static [(u32, u32)],
    functions: &'static [FunctionInfo],
}

/// What [`Library::load`] did.
///
/// ```
/// use redlua::LoadOutcome;
///
/// mod v1 {
///     #[redlua::library(name = "doc_outcome")]
///     pub mod greet {
///         use redlua::prelude::*;
///         #[redis_function(read_only)]
///         pub fn hello(name: String) -> String { format!("hello {name}") }
///     }
/// }
/// mod v2 {
///     // Another build of the same library: never loaded together with v1, so its
///     // function names may repeat v1's in one crate.
///     #[redlua::library(name = "doc_outcome", separate_server)]
///     pub mod greet {
///         use redlua::prelude::*;
///         #[redis_function(read_only)]
///         pub fn hello(name: String) -> String { format!("hi {name}") }
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(v1::greet::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Loaded);
/// assert_eq!(v1::greet::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Unchanged);
/// // Another build of the library, with other code under the same name:
/// assert_eq!(v2::greet::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Replaced);
/// assert_eq!(v2::greet::hello("ann".to_string()).call(&mut con).unwrap(), "hi ann");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadOutcome {
    /// The server did not have the library: it was loaded.
    Loaded,
    /// The server had this exact code already: nothing was sent.
    Unchanged,
    /// The server had a different version of the library: it was replaced. Use
    /// [`Library::status`] before loading, or [`events`](crate::events), to learn which
    /// version it held.
    Replaced,
}

/// The SHA1 of `code` in lower-case hex: the stamp of a library, the SHA1 of a script.
///
/// ```
/// #[redlua::library(name = "doc_stamp_of")]
/// mod greet {
///     use redlua::prelude::*;
///     #[redis_function(read_only)]
///     pub fn hello() -> String { "hello".to_string() }
/// }
///
/// assert_eq!(redlua::stamp_of(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
/// assert_eq!(redlua::stamp_of(greet::LUA.as_bytes()), greet::LIBRARY.stamp());
/// ```
pub fn stamp_of(code: &[u8]) -> String {
    use sha1::{Digest, Sha1};
    let digest = Sha1::digest(code);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Library {
    #[doc(hidden)]
    pub const fn __new(
        name: &'static str,
        code: &'static str,
        stamp: &'static str,
        file: &'static str,
        lines: &'static [(u32, u32)],
        functions: &'static [FunctionInfo],
    ) -> Self {
        Library { name, code, stamp, file, lines, functions }
    }

    /// The library name.
    ///
    /// ```
    /// #[redlua::library(name = "doc_library_name")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello(name: String) -> String {
    ///         format!("hello {name}")
    ///     }
    /// }
    ///
    /// assert_eq!(greet::LIBRARY.name(), "doc_library_name");
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The generated Lua source (what `FUNCTION LOAD` receives).
    ///
    /// ```
    /// #[redlua::library(name = "doc_library_code")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello(name: String) -> String {
    ///         format!("hello {name}")
    ///     }
    /// }
    ///
    /// assert!(greet::LIBRARY.code().starts_with("#!lua name=doc_library_code"));
    /// assert!(greet::LIBRARY.code().contains("register_function"));
    /// ```
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The version stamp: the SHA1 of the code, so two builds with the same code have
    /// the same stamp and any change of the code changes it.
    ///
    /// ```
    /// #[redlua::library(name = "doc_library_stamp")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello(name: String) -> String {
    ///         format!("hello {name}")
    ///     }
    /// }
    ///
    /// assert_eq!(greet::LIBRARY.stamp(), redlua::stamp_of(greet::LUA.as_bytes()));
    /// assert_eq!(greet::LIBRARY.stamp().len(), 40);
    /// ```
    pub fn stamp(&self) -> &'static str {
        self.stamp
    }

    /// The functions of the library.
    ///
    /// ```
    /// #[redlua::library(name = "doc_library_functions")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello(name: String) -> String {
    ///         format!("hello {name}")
    ///     }
    /// }
    ///
    /// let functions = greet::LIBRARY.functions();
    /// assert_eq!(functions.len(), 1);
    /// assert_eq!(functions[0].name(), "hello");
    /// ```
    pub fn functions(&self) -> &'static [FunctionInfo] {
        self.functions
    }

    /// The function of that name.
    ///
    /// ```
    /// #[redlua::library(name = "doc_library_function")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello(name: String) -> String {
    ///         format!("hello {name}")
    ///     }
    /// }
    ///
    /// assert_eq!(greet::LIBRARY.function("hello").unwrap().flags(), ["no-writes"]);
    /// assert!(greet::LIBRARY.function("bye").is_none());
    /// ```
    pub fn function(&self, name: &str) -> Option<&'static FunctionInfo> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// Makes sure the server has this exact library: loads it when missing, replaces
    /// it when the server's code differs, and sends nothing else when it is the same.
    ///
    /// Every load is also reported to [`events`](crate::events) with the version the
    /// server held before.
    ///
    /// ```
    /// use redlua::LoadOutcome;
    ///
    /// #[redlua::library(name = "doc_library_load")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello(name: String) -> String {
    ///         format!("hello {name}")
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// assert_eq!(greet::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Loaded);
    /// // Loading again sends nothing but the check.
    /// assert_eq!(greet::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Unchanged);
    /// ```
    pub fn load<C: ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<LoadOutcome, Error> {
        now(self.load_on(&mut Blocking(con)))
    }

    /// [`load`](Library::load) and [`load_async`](Library::load_async).
    pub(crate) async fn load_on<W: Wire>(&self, w: &mut W) -> Result<LoadOutcome, Error> {
        let status = self.status_on(w).await?;
        if status == LibraryStatus::Current {
            return Ok(LoadOutcome::Unchanged);
        }
        w.req(&self.load_command()).await.map_err(|e| self.load_error(e))?;
        Ok(self.loaded(status, None, Trigger::Load))
    }

    /// Loads the library after a call did not find its function.
    ///
    /// The common case (the server lost its functions: a flush, a restart, a new node) costs
    /// one round trip: `FUNCTION LOAD` without `REPLACE`. Only when the server says the
    /// library exists, in a version without the called function, does it read that version
    /// (`FUNCTION LIST .. WITHCODE`) and decide:
    ///
    /// - the same code (another client loaded it meanwhile): nothing to load;
    /// - code that redlua did not generate, or another redlua version whose functions this
    ///   version all has: replaced (`FUNCTION LOAD REPLACE`);
    /// - another redlua version with a function this version lacks: kept, and the call
    ///   fails with [`Error::NotLoaded`]. Two versions that each lack a function of the
    ///   other would otherwise replace each other on every call; the one on the server stays
    ///   until an explicit [`Library::load`].
    pub(crate) async fn reload_on<W: Wire>(&self, w: &mut W) -> Result<(), Error> {
        let exists = match w.req(&self.load_new_command()).await {
            Ok(_) => {
                self.loaded(LibraryStatus::Missing, None, Trigger::Recovery);
                return Ok(());
            }
            Err(e) if is_library_exists(&e) => e,
            Err(e) => return Err(self.load_error(e)),
        };
        let v = match w.req(&self.list_command()).await {
            Ok(v) => v,
            // A user without FUNCTION LIST cannot tell which version is there: it stays.
            Err(e) => return Err(Error::NotLoaded { name: self.name.to_string(), detail: format!("{exists}; and reading its version failed: {e}") }),
        };
        let (code, functions) = self.code_and_functions_in_list(v);
        let status = self.status_of(code.as_deref());
        match status {
            LibraryStatus::Current => return Ok(()),
            // Deleted meanwhile: load it as if it had been missing.
            LibraryStatus::Missing => {}
            LibraryStatus::Other { ref stamp } => {
                let generated = code.as_deref().is_some_and(|c| c.starts_with(format!("#!lua name={}\n-- redlua library `{}`", self.name, self.name).as_bytes()));
                let ours: Vec<String> = self.functions.iter().flat_map(|f| [f.name.to_string(), self.call_name(f.name)]).collect();
                let lacking: Vec<&String> = functions.iter().filter(|f| !ours.contains(f)).collect();
                if generated && !lacking.is_empty() {
                    return Err(Error::NotLoaded {
                        name: self.name.to_string(),
                        detail: format!(
                            "the server holds another version of library `{}` (stamp {stamp}) without this function, and with functions this version lacks ({}); it stays until this version is loaded explicitly (Library::load)",
                            self.name,
                            lacking.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    });
                }
            }
        }
        w.req(&self.load_command()).await.map_err(|e| self.load_error(e))?;
        self.loaded(status, None, Trigger::Recovery);
        Ok(())
    }

    /// Which version of this library the server holds.
    ///
    /// ```
    /// use redlua::LibraryStatus;
    ///
    /// #[redlua::library(name = "doc_library_status")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello(name: String) -> String {
    ///         format!("hello {name}")
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// assert_eq!(greet::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Missing);
    /// greet::hello("ann".to_string()).call(&mut con).unwrap(); // loads it
    /// assert_eq!(greet::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Current);
    /// ```
    pub fn status<C: ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<LibraryStatus, Error> {
        now(self.status_on(&mut Blocking(con)))
    }

    /// [`status`](Library::status) and [`status_async`](Library::status_async).
    pub(crate) async fn status_on<W: Wire>(&self, w: &mut W) -> Result<LibraryStatus, Error> {
        let code = self.server_code_on(w).await?;
        Ok(self.status_of(code.as_deref()))
    }

    /// The code of the library of this name on the server, if any.
    ///
    /// ```
    /// #[redlua::library(name = "doc_library_server_code")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello(name: String) -> String {
    ///         format!("hello {name}")
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// assert_eq!(greet::LIBRARY.server_code(&mut con).unwrap(), None);
    /// greet::LIBRARY.load(&mut con).unwrap();
    /// assert_eq!(greet::LIBRARY.server_code(&mut con).unwrap().unwrap(), greet::LUA.as_bytes());
    /// ```
    pub fn server_code<C: ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<Option<Vec<u8>>, Error> {
        now(self.server_code_on(&mut Blocking(con)))
    }

    /// [`server_code`](Library::server_code) over any [`Wire`].
    async fn server_code_on<W: Wire>(&self, w: &mut W) -> Result<Option<Vec<u8>>, Error> {
        let v = w.req(&self.list_command()).await.map_err(Error::from_redis)?;
        Ok(self.code_in_list(v))
    }

    /// Deletes the library from the server (`FUNCTION DELETE`). Replies false when the
    /// server did not have it. The next call loads it again.
    ///
    /// ```
    /// use redlua::LibraryStatus;
    ///
    /// #[redlua::library(name = "doc_library_delete")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello(name: String) -> String {
    ///         format!("hello {name}")
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// greet::LIBRARY.load(&mut con).unwrap();
    /// assert!(greet::LIBRARY.delete(&mut con).unwrap());
    /// assert_eq!(greet::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Missing);
    /// assert!(!greet::LIBRARY.delete(&mut con).unwrap());
    /// // The next call loads it again.
    /// assert_eq!(greet::hello("bob".to_string()).call(&mut con).unwrap(), "hello bob");
    /// ```
    pub fn delete<C: ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<bool, Error> {
        now(delete_op(self.name).on(&mut Blocking(con)))
    }

    /// Writes the library's Lua to `<dir>/<name>.lua` (creating `dir` if needed) and
    /// returns the file's path, for deployments that use `redis-cli FUNCTION LOAD`:
    ///
    /// ```text
    /// redis-cli -x FUNCTION LOAD REPLACE < bank.lua
    /// ```
    ///
    /// ```
    /// #[redlua::library(name = "doc_library_export")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello(name: String) -> String {
    ///         format!("hello {name}")
    ///     }
    /// }
    ///
    /// let dir = std::env::temp_dir().join(format!("redlua-doc-export-{}", std::process::id()));
    /// let path = greet::LIBRARY.export(&dir).unwrap();
    /// assert_eq!(path, dir.join("doc_library_export.lua"));
    /// assert_eq!(std::fs::read_to_string(&path).unwrap(), greet::LUA);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn export(&self, dir: impl AsRef<Path>) -> io::Result<PathBuf> {
        export(dir.as_ref(), self.name, self.code)
    }

    #[cfg(feature = "aio")]
    /// [`load`](Library::load) over an async connection.
    ///
    /// ```
    /// use redlua::LoadOutcome;
    ///
    /// #[redlua::library(name = "doc_library_load_async")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello(name: String) -> String {
    ///         format!("hello {name}")
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// assert_eq!(greet::LIBRARY.load_async(&mut con).await.unwrap(), LoadOutcome::Loaded);
    /// assert_eq!(greet::hello("ann".to_string()).call_async(&mut con).await.unwrap(), "hello ann");
    /// # });
    /// ```
    pub async fn load_async<C: redis::aio::ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<LoadOutcome, Error> {
        self.load_on(&mut Async(con)).await
    }

    #[cfg(feature = "aio")]
    /// [`status`](Library::status) over an async connection.
    ///
    /// ```
    /// use redlua::LibraryStatus;
    ///
    /// #[redlua::library(name = "doc_library_status_async")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello(name: String) -> String {
    ///         format!("hello {name}")
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// assert_eq!(greet::LIBRARY.status_async(&mut con).await.unwrap(), LibraryStatus::Missing);
    /// greet::LIBRARY.load_async(&mut con).await.unwrap();
    /// assert_eq!(greet::LIBRARY.status_async(&mut con).await.unwrap(), LibraryStatus::Current);
    /// # });
    /// ```
    pub async fn status_async<C: redis::aio::ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<LibraryStatus, Error> {
        self.status_on(&mut Async(con)).await
    }

    /// A refused `FUNCTION LOAD`: when a function name of this library belongs to another
    /// library (`ERR Function <name> already exists`), loading cannot succeed until that
    /// library is deleted: [`Error::NotLoaded`] with the server's message.
    pub(crate) fn load_error(&self, e: redis::RedisError) -> Error {
        if e.code() == Some("ERR") {
            let detail = e.detail().unwrap_or_default();
            // `ERR Function <name> already exists` (Redis 7, Valkey): another library holds it.
            if let Some(function) = detail.strip_prefix("Function ").and_then(|d| d.strip_suffix(" already exists"))
                && !function.contains(' ')
            {
                return Error::FunctionNameTaken { library: self.name.to_string(), function: function.to_string(), detail: e.to_string() };
            }
            if detail.contains("already exists") {
                return Error::NotLoaded { name: self.name.to_string(), detail: e.to_string() };
            }
        }
        Error::from_redis(e)
    }

    /// The name under which the library registers `function` for typed calls,
    /// `<library>__<function>` (see [`FunctionCall::command`](crate::FunctionCall::command)).
    pub(crate) fn call_name(&self, function: &str) -> String {
        format!("{}__{function}", self.name)
    }

    /// Reports a load to the event handlers and says what it did.
    pub(crate) fn loaded(&self, previous: LibraryStatus, node: Option<String>, trigger: Trigger) -> LoadOutcome {
        let outcome = match previous {
            LibraryStatus::Missing => LoadOutcome::Loaded,
            LibraryStatus::Current => LoadOutcome::Unchanged,
            LibraryStatus::Other { .. } => LoadOutcome::Replaced,
        };
        events::emit(Event::LibraryLoaded { library: self.name, stamp: self.stamp, previous, node, trigger });
        outcome
    }

    pub(crate) fn status_of(&self, server_code: Option<&[u8]>) -> LibraryStatus {
        match server_code {
            None => LibraryStatus::Missing,
            Some(code) if code == self.code.as_bytes() => LibraryStatus::Current,
            Some(code) => LibraryStatus::Other { stamp: stamp_of(code) },
        }
    }

    /// `FUNCTION LIST LIBRARYNAME <name> WITHCODE`. (The name is a pattern for the
    /// server; library names are identifiers, which match only themselves.)
    pub(crate) fn list_command(&self) -> redis::Cmd {
        let mut cmd = redis::cmd("FUNCTION");
        cmd.arg("LIST").arg("LIBRARYNAME").arg(self.name).arg("WITHCODE");
        cmd
    }

    /// `FUNCTION LOAD REPLACE <code>`.
    pub(crate) fn load_command(&self) -> redis::Cmd {
        let mut cmd = redis::cmd("FUNCTION");
        cmd.arg("LOAD").arg("REPLACE").arg(self.code);
        cmd
    }

    /// `FUNCTION LOAD <code>`, without `REPLACE`: fails when the library exists.
    pub(crate) fn load_new_command(&self) -> redis::Cmd {
        let mut cmd = redis::cmd("FUNCTION");
        cmd.arg("LOAD").arg(self.code);
        cmd
    }

    /// The code of this library and the names of the functions it registers, in a
    /// `FUNCTION LIST .. WITHCODE` reply.
    pub(crate) fn code_and_functions_in_list(&self, v: Value) -> (Option<Vec<u8>>, Vec<String>) {
        let libs = match v {
            Value::Array(libs) | Value::Set(libs) => libs,
            _ => return (None, vec![]),
        };
        for lib in libs {
            let fields = map_fields(lib);
            let name = fields.iter().find(|(k, _)| k == b"library_name").and_then(|(_, v)| bytes(v));
            if name.as_deref() == Some(self.name.as_bytes()) {
                let code = fields.iter().find(|(k, _)| k == b"library_code").and_then(|(_, v)| bytes(v));
                let functions = match fields.into_iter().find(|(k, _)| k == b"functions").map(|(_, v)| v) {
                    Some(Value::Array(fs) | Value::Set(fs)) => fs
                        .into_iter()
                        .filter_map(|f| map_fields(f).into_iter().find(|(k, _)| k == b"name").and_then(|(_, v)| bytes(&v)))
                        .map(|n| String::from_utf8_lossy(&n).into_owned())
                        .collect(),
                    _ => vec![],
                };
                return (code, functions);
            }
        }
        (None, vec![])
    }

    /// The code of this library in a `FUNCTION LIST .. WITHCODE` reply.
    pub(crate) fn code_in_list(&self, v: Value) -> Option<Vec<u8>> {
        let libs = match v {
            Value::Array(libs) | Value::Set(libs) => libs,
            _ => return None,
        };
        for lib in libs {
            let fields = map_fields(lib);
            let name = fields.iter().find(|(k, _)| k == b"library_name").and_then(|(_, v)| bytes(v));
            if name.as_deref() == Some(self.name.as_bytes()) {
                return fields.iter().find(|(k, _)| k == b"library_code").and_then(|(_, v)| bytes(v));
            }
        }
        None
    }

    pub(crate) fn locate(&self, message: &str) -> Option<SourceLocation> {
        crate::wire::locate(message, "user_function:", self.file, self.lines)
    }
}

/// An EVAL script generated by a free-standing `#[redis_function]`.
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
/// /// Reads a counter of a group, named from the group's key.
/// #[redis_function(read_only)]
/// fn group_count(group: Key) -> i64 {
///     get::<i64>(&group.derive(":count")).unwrap_or(0)
/// }
///
/// # fn main() {
///
/// // `capped_add` is the typed call; `capped_add::SCRIPT` the script.
/// let script: &redlua::Script = &capped_add::SCRIPT;
/// assert_eq!(script.name(), "capped_add");
/// assert_eq!(script.sha1(), capped_add::SHA1);
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(capped_add("hits", 7, 10).call(&mut con).unwrap(), 7);
/// assert_eq!(capped_add("hits", 7, 10).call(&mut con).unwrap(), 7);
/// assert!(script.exists(&mut con).unwrap()); // loaded by the first call
/// # }
/// ```
#[derive(Debug)]
pub struct Script {
    name: &'static str,
    code: &'static str,
    sha1: &'static str,
    file: &'static str,
    lines: &'static [(u32, u32)],
    read_only: bool,
    num_keys: usize,
    num_args: usize,
    derived_from: &'static [usize],
}

impl Script {
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn __new(
        name: &'static str,
        code: &'static str,
        sha1: &'static str,
        file: &'static str,
        lines: &'static [(u32, u32)],
        read_only: bool,
        num_keys: usize,
        num_args: usize,
        derived_from: &'static [usize],
    ) -> Self {
        Script { name, code, sha1, file, lines, read_only, num_keys, num_args, derived_from }
    }

    /// The KEYS positions (1-based) that the script derives other keys from: in a
    /// cluster, these keys must carry a hash tag.
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
    /// /// Reads a counter of a group, named from the group's key.
    /// #[redis_function(read_only)]
    /// fn group_count(group: Key) -> i64 {
    ///     get::<i64>(&group.derive(":count")).unwrap_or(0)
    /// }
    ///
    /// # fn main() {
    ///
    /// assert_eq!(group_count::SCRIPT.derived_from(), [1]);
    /// assert!(capped_add::SCRIPT.derived_from().is_empty());
    /// # }
    /// ```
    pub fn derived_from(&self) -> &'static [usize] {
        self.derived_from
    }

    /// The Rust function name.
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
    /// /// Reads a counter of a group, named from the group's key.
    /// #[redis_function(read_only)]
    /// fn group_count(group: Key) -> i64 {
    ///     get::<i64>(&group.derive(":count")).unwrap_or(0)
    /// }
    ///
    /// # fn main() {
    ///
    /// assert_eq!(group_count::SCRIPT.name(), "group_count");
    /// # }
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The Lua source.
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
    /// /// Reads a counter of a group, named from the group's key.
    /// #[redis_function(read_only)]
    /// fn group_count(group: Key) -> i64 {
    ///     get::<i64>(&group.derive(":count")).unwrap_or(0)
    /// }
    ///
    /// # fn main() {
    ///
    /// assert_eq!(capped_add::SCRIPT.code(), capped_add::LUA);
    /// assert!(group_count::SCRIPT.code().starts_with("#!lua flags=no-writes"));
    /// # }
    /// ```
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The SHA1 that `EVALSHA` sends: the script's version.
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
    /// /// Reads a counter of a group, named from the group's key.
    /// #[redis_function(read_only)]
    /// fn group_count(group: Key) -> i64 {
    ///     get::<i64>(&group.derive(":count")).unwrap_or(0)
    /// }
    ///
    /// # fn main() {
    ///
    /// assert_eq!(capped_add::SCRIPT.sha1(), redlua::stamp_of(capped_add::LUA.as_bytes()));
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// let loaded: String = redis::cmd("SCRIPT").arg("LOAD").arg(capped_add::LUA).query(&mut con).unwrap();
    /// assert_eq!(loaded, capped_add::SCRIPT.sha1());
    /// # }
    /// ```
    pub fn sha1(&self) -> &'static str {
        self.sha1
    }

    /// True when the script is read-only (`#!lua flags=no-writes`, run with `EVALSHA_RO`).
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
    /// /// Reads a counter of a group, named from the group's key.
    /// #[redis_function(read_only)]
    /// fn group_count(group: Key) -> i64 {
    ///     get::<i64>(&group.derive(":count")).unwrap_or(0)
    /// }
    ///
    /// # fn main() {
    ///
    /// assert!(group_count::SCRIPT.is_read_only()); // sent with EVALSHA_RO
    /// assert!(!capped_add::SCRIPT.is_read_only());
    /// # }
    /// ```
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// How many keys and non-key arguments it takes.
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
    /// /// Reads a counter of a group, named from the group's key.
    /// #[redis_function(read_only)]
    /// fn group_count(group: Key) -> i64 {
    ///     get::<i64>(&group.derive(":count")).unwrap_or(0)
    /// }
    ///
    /// # fn main() {
    ///
    /// assert_eq!(capped_add::SCRIPT.arity(), (1, 2));
    /// assert_eq!(group_count::SCRIPT.arity(), (1, 0));
    /// # }
    /// ```
    pub fn arity(&self) -> (usize, usize) {
        (self.num_keys, self.num_args)
    }

    /// Loads the script into the server's script cache (`SCRIPT LOAD`). On a cluster
    /// connection redis-rs sends it to every node.
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
    /// /// Reads a counter of a group, named from the group's key.
    /// #[redis_function(read_only)]
    /// fn group_count(group: Key) -> i64 {
    ///     get::<i64>(&group.derive(":count")).unwrap_or(0)
    /// }
    ///
    /// # fn main() {
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// assert!(!capped_add::SCRIPT.exists(&mut con).unwrap());
    /// capped_add::SCRIPT.load(&mut con).unwrap();
    /// assert!(capped_add::SCRIPT.exists(&mut con).unwrap());
    /// # }
    /// ```
    pub fn load<C: ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<(), Error> {
        now(self.load_on(&mut Blocking(con), Trigger::Load))
    }

    /// `SCRIPT LOAD`, reported as a load for `trigger`.
    pub(crate) async fn load_on<W: Wire>(&self, w: &mut W, trigger: Trigger) -> Result<(), Error> {
        let v = w.req(&self.load_command()).await.map_err(Error::from_redis)?;
        self.loaded(&v, trigger)
    }

    /// True when the server's script cache holds this script (`SCRIPT EXISTS`).
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
    /// /// Reads a counter of a group, named from the group's key.
    /// #[redis_function(read_only)]
    /// fn group_count(group: Key) -> i64 {
    ///     get::<i64>(&group.derive(":count")).unwrap_or(0)
    /// }
    ///
    /// # fn main() {
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// assert!(!group_count::SCRIPT.exists(&mut con).unwrap());
    /// assert_eq!(group_count("g").call(&mut con).unwrap(), 0); // loads it on NOSCRIPT
    /// assert!(group_count::SCRIPT.exists(&mut con).unwrap());
    /// # }
    /// ```
    pub fn exists<C: ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<bool, Error> {
        now(self.exists_on(&mut Blocking(con)))
    }

    /// [`exists`](Script::exists) over any [`Wire`].
    pub(crate) async fn exists_on<W: Wire>(&self, w: &mut W) -> Result<bool, Error> {
        let v = w.req(redis::cmd("SCRIPT").arg("EXISTS").arg(self.sha1)).await.map_err(Error::from_redis)?;
        Ok(exists_reply(v).first().copied().unwrap_or(false))
    }

    /// Writes the script's Lua to `<dir>/<name>.lua` (creating `dir` if needed) and
    /// returns the file's path.
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
    /// /// Reads a counter of a group, named from the group's key.
    /// #[redis_function(read_only)]
    /// fn group_count(group: Key) -> i64 {
    ///     get::<i64>(&group.derive(":count")).unwrap_or(0)
    /// }
    ///
    /// # fn main() {
    ///
    /// let dir = std::env::temp_dir().join(format!("redlua-doc-script-export-{}", std::process::id()));
    /// let path = capped_add::SCRIPT.export(&dir).unwrap();
    /// assert_eq!(path, dir.join("capped_add.lua"));
    /// assert_eq!(std::fs::read_to_string(&path).unwrap(), capped_add::LUA);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # }
    /// ```
    pub fn export(&self, dir: impl AsRef<Path>) -> io::Result<PathBuf> {
        export(dir.as_ref(), self.name, self.code)
    }

    #[cfg(feature = "aio")]
    /// [`load`](Script::load) over an async connection.
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
    /// /// Reads a counter of a group, named from the group's key.
    /// #[redis_function(read_only)]
    /// fn group_count(group: Key) -> i64 {
    ///     get::<i64>(&group.derive(":count")).unwrap_or(0)
    /// }
    ///
    /// # fn main() {
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// capped_add::SCRIPT.load_async(&mut con).await.unwrap();
    /// let cached: Vec<bool> = redis::cmd("SCRIPT").arg("EXISTS").arg(capped_add::SHA1).query_async(&mut con).await.unwrap();
    /// assert_eq!(cached, [true]);
    /// # });
    /// # }
    /// ```
    pub async fn load_async<C: redis::aio::ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<(), Error> {
        self.load_on(&mut Async(con), Trigger::Load).await
    }

    pub(crate) fn load_command(&self) -> redis::Cmd {
        let mut cmd = redis::cmd("SCRIPT");
        cmd.arg("LOAD").arg(self.code);
        cmd
    }

    /// Checks the SHA1 the server replied to `SCRIPT LOAD` and reports the load.
    pub(crate) fn loaded(&self, reply: &Value, trigger: Trigger) -> Result<(), Error> {
        let sha = bytes(reply).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
        if !sha.eq_ignore_ascii_case(self.sha1) {
            return Err(Error::NotLoaded {
                name: self.name.to_string(),
                detail: format!("the server computed SHA1 {sha}, expected {}", self.sha1),
            });
        }
        events::emit(Event::ScriptLoaded { script: self.name, sha1: self.sha1, trigger });
        Ok(())
    }

    pub(crate) fn locate(&self, message: &str) -> Option<SourceLocation> {
        crate::wire::locate(message, "user_script:", self.file, self.lines)
    }
}

/// `ERR Library '<name>' already exists`: a `FUNCTION LOAD` without `REPLACE` found it.
fn is_library_exists(e: &redis::RedisError) -> bool {
    e.code() == Some("ERR") && e.detail().is_some_and(|d| d.starts_with("Library ") && d.ends_with("already exists"))
}

/// `FUNCTION DELETE <library>`: true when it was there, false when it was not.
pub(crate) fn delete_op(library: &str) -> Op<bool> {
    Op::new(redis::cmd("FUNCTION").arg("DELETE").arg(library), |r| match r {
        Ok(_) => Ok(true),
        Err(e) if e.code() == Some("ERR") && e.detail().is_some_and(|d| d.trim_start().starts_with("Library not found")) => {
            Ok(false)
        }
        Err(e) => Err(Error::from_redis(e)),
    })
}

fn export(dir: &Path, name: &str, code: &str) -> io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{name}.lua"));
    std::fs::write(&path, code)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamp_is_the_sha1_of_the_code() {
        assert_eq!(stamp_of(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn a_function_name_held_by_another_library_is_its_own_error() {
        static LIB: Library = Library::__new("shipping", "", "", "x.rs", &[], &[]);
        let err = |d: &str| LIB.load_error(redis::make_extension_error("ERR".to_string(), Some(d.to_string())));
        // What Redis 7.0 and Valkey 9.1 say.
        let e = err("Function status already exists");
        assert!(matches!(&e, Error::FunctionNameTaken { library, function, .. } if library == "shipping" && function == "status"), "{e:?}");
        assert!(e.did_not_run());
        for other in ["Library 'shipping' already exists", "Function already exists in the library", "Error registering functions: ERR Function already exists in the library"] {
            assert!(matches!(err(other), Error::NotLoaded { .. }), "{other}");
        }
        assert_eq!(LIB.call_name("status"), "shipping__status");
    }
}
