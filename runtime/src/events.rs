//! What redlua did on a server by itself: subscribe to know when code was (re)loaded.
//!
//! Calls load their library or script on their own when a server lost it (restart,
//! failover, `FUNCTION FLUSH`) or holds another version of it (a rolling deploy where
//! old and new clients share a server). Each such load is reported here, with the
//! version the server held before, so operators see version fights instead of
//! guessing:
//!
//! ```no_run
//! use redlua::events::{self, Event};
//! use redlua::LibraryStatus;
//!
//! let _subscription = events::subscribe(|event: &Event| {
//!     if let Event::LibraryLoaded { library, previous: LibraryStatus::Other { stamp }, node, .. } = event {
//!         eprintln!("redlua replaced library {library} (server had version {stamp}) on {node:?}");
//!     }
//! });
//! // ... calls ...
//! // Dropping the subscription unsubscribes.
//! ```
//!
//! Handlers run on the thread (or task) that made the call, right after the load and
//! before the call is sent again; keep them short and do not call redlua from them.

use crate::wire::LibraryStatus;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// Why the code was loaded.
///
/// ```
/// use redlua::events::{self, Event, Trigger};
/// use std::sync::{Arc, Mutex};
///
/// #[redlua::library(name = "doc_events_trigger")]
/// mod greet {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn hello() -> String {
///         "hello".to_string()
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let sink = seen.clone();
/// let _subscription = events::subscribe(move |event: &Event| {
///     if let Event::LibraryLoaded { library: "doc_events_trigger", trigger, .. } = event {
///         sink.lock().unwrap().push(*trigger);
///     }
/// });
/// greet::LIBRARY.load(&mut con).unwrap();
/// redis::cmd("FUNCTION").arg("FLUSH").exec(&mut con).unwrap();
/// greet::hello().call(&mut con).unwrap(); // finds the library missing
/// assert_eq!(*seen.lock().unwrap(), [Trigger::Load, Trigger::Recovery]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Trigger {
    /// An explicit `load` (e.g. [`Library::load`](crate::Library::load) at deploy time).
    Load,
    /// A call found the function or script missing (`ERR Function not found`, `NOSCRIPT`).
    Recovery,
    /// The check a [`Pipeline`](crate::Pipeline) makes before it is sent.
    Pipeline,
}

/// One load that redlua made.
///
/// ```
/// use redlua::events::{self, Event, Trigger};
/// use redlua::prelude::*;
/// use std::sync::{Arc, Mutex};
///
/// #[redis_function]
/// fn bump(counter: Key) -> i64 {
///     incr(&counter)
/// }
///
/// # fn main() {
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let sink = seen.clone();
/// let _subscription = events::subscribe(move |event: &Event| {
///     if matches!(event, Event::ScriptLoaded { script: "bump", .. }) {
///         sink.lock().unwrap().push(event.clone());
///     }
/// });
/// assert_eq!(bump("hits").call(&mut con).unwrap(), 1); // NOSCRIPT, then loaded
/// let expected = Event::ScriptLoaded { script: "bump", sha1: bump::SHA1, trigger: Trigger::Recovery };
/// assert_eq!(*seen.lock().unwrap(), [expected]);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A library was loaded with `FUNCTION LOAD REPLACE`.
    LibraryLoaded {
        /// The library name.
        library: &'static str,
        /// The stamp of the code that was loaded.
        stamp: &'static str,
        /// What the server held before: on a cluster, the node named by `node`.
        previous: LibraryStatus,
        /// The cluster node (`host:port`), when loaded on one node of a cluster.
        node: Option<String>,
        /// Why it was loaded.
        trigger: Trigger,
    },
    /// A script was loaded into the script cache with `SCRIPT LOAD`.
    ScriptLoaded {
        /// The script name (the Rust function name).
        script: &'static str,
        /// Its SHA1.
        sha1: &'static str,
        /// Why it was loaded.
        trigger: Trigger,
    },
}

type Handler = Arc<dyn Fn(&Event) + Send + Sync>;

static HANDLERS: RwLock<Vec<(u64, Handler)>> = RwLock::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Calls `handler` for every load redlua makes, until the returned [`Subscription`] is
/// dropped. Any number of handlers may be subscribed.
///
/// ```
/// use redlua::events::{self, Event};
/// use redlua::LibraryStatus;
/// use std::sync::{Arc, Mutex};
///
/// #[redlua::library(name = "doc_events_subscribe")]
/// mod greet {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn hello() -> String {
///         "hello".to_string()
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// let previous = Arc::new(Mutex::new(Vec::new()));
/// let sink = previous.clone();
/// let subscription = events::subscribe(move |event: &Event| {
///     if let Event::LibraryLoaded { library: "doc_events_subscribe", previous, .. } = event {
///         sink.lock().unwrap().push(previous.clone());
///     }
/// });
/// greet::LIBRARY.load(&mut con).unwrap();
/// drop(subscription); // unsubscribes
/// greet::LIBRARY.delete(&mut con).unwrap();
/// greet::LIBRARY.load(&mut con).unwrap(); // not seen
/// assert_eq!(*previous.lock().unwrap(), [LibraryStatus::Missing]);
/// ```
#[must_use = "the handler is unsubscribed when the Subscription is dropped"]
pub fn subscribe(handler: impl Fn(&Event) + Send + Sync + 'static) -> Subscription {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let mut handlers = HANDLERS.write().unwrap_or_else(|poisoned| poisoned.into_inner());
    handlers.push((id, Arc::new(handler)));
    Subscription { id }
}

/// A subscribed event handler; dropping it unsubscribes the handler.
///
/// ```
/// use redlua::events::{self, Event, Trigger};
/// use std::sync::{Arc, Mutex};
///
/// #[redlua::library(name = "doc_events_subscription")]
/// mod greet {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn hello() -> String {
///         "hello".to_string()
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let sink = seen.clone();
/// let _subscription = events::subscribe(move |event: &Event| {
///     if let Event::LibraryLoaded { library: "doc_events_subscription", trigger, .. } = event {
///         sink.lock().unwrap().push(*trigger);
///     }
/// });
/// greet::LIBRARY.load(&mut con).unwrap();
/// drop(_subscription);
/// greet::LIBRARY.delete(&mut con).unwrap();
/// greet::LIBRARY.load(&mut con).unwrap();
/// assert_eq!(seen.lock().unwrap().len(), 1);
/// ```
#[derive(Debug)]
pub struct Subscription {
    id: u64,
}

impl Subscription {
    /// Keeps the handler subscribed for the rest of the program.
    ///
    /// ```
    /// use redlua::events::{self, Event};
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// #[redlua::library(name = "doc_events_forever")]
    /// mod greet {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn hello() -> String {
    ///         "hello".to_string()
    ///     }
    /// }
    ///
    /// static LOADS: AtomicUsize = AtomicUsize::new(0);
    ///
    /// // At start-up: count every load of this library for the rest of the program.
    /// events::subscribe(|event: &Event| {
    ///     if let Event::LibraryLoaded { library: "doc_events_forever", .. } = event {
    ///         LOADS.fetch_add(1, Ordering::Relaxed);
    ///     }
    /// })
    /// .forever();
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// greet::hello().call(&mut con).unwrap();
    /// assert_eq!(LOADS.load(Ordering::Relaxed), 1);
    /// ```
    pub fn forever(self) {
        std::mem::forget(self);
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut handlers = HANDLERS.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        handlers.retain(|(id, _)| *id != self.id);
    }
}

pub(crate) fn emit(event: Event) {
    // Copy the handlers out so that a handler may subscribe or unsubscribe.
    let handlers: Vec<Handler> = {
        let guard = HANDLERS.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        guard.iter().map(|(_, h)| h.clone()).collect()
    };
    for h in handlers {
        h(&event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn handlers_see_events_until_unsubscribed() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let sub = subscribe(move |e| {
            if let Event::ScriptLoaded { script: "events_unit_test", .. } = e {
                s.lock().unwrap().push(e.clone());
            }
        });
        let ev = Event::ScriptLoaded { script: "events_unit_test", sha1: "x", trigger: Trigger::Load };
        emit(ev.clone());
        drop(sub);
        emit(ev.clone());
        assert_eq!(*seen.lock().unwrap(), vec![ev]);
    }
}
