//! Redis Cluster: hash slots, the client-side same-slot check, calls routed by key, and
//! libraries loaded on every primary.
//!
//! A call's keys must all hash to one slot (Redis refuses the call otherwise with
//! `CROSSSLOT`). The `call_cluster` methods check this on the client with [`key_slot`]
//! and return [`Error::CrossSlot`] without a round trip; give
//! related keys a common hash tag (`acct:{alice}:main`, `acct:{alice}:savings`).
//!
//! See `FunctionCall::call_cluster` (crate feature `cluster`) for an example.
//!
//! Routing: a call goes to the primary that serves its keys' slot (a call without keys
//! to a random primary). When that primary does not have the function (a new node, a
//! failover to a replica that never had it, `FUNCTION FLUSH`), redlua checks the library
//! on every primary with `FUNCTION LIST`, loads it with `FUNCTION LOAD REPLACE` where it
//! is missing or differs, and sends the call once more, as on a single server.

use crate::error::Error;

/// The number of hash slots of Redis Cluster.
///
/// ```
/// use redlua::cluster::{key_slot, SLOTS};
///
/// assert_eq!(SLOTS, 16384);
/// // Every key hashes to a slot in 0..SLOTS.
/// assert!(["", "foo", "acct:{alice}", "a much longer key name"].iter().all(|k| key_slot(k.as_bytes()) < SLOTS));
/// ```
pub const SLOTS: u16 = 16384;

/// CRC16/XMODEM (polynomial 0x1021, initial value 0), the checksum Redis Cluster uses.
fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc
}

/// The part of a key that is hashed: the text between the first `{` and the first `}`
/// after it when that is not empty (a hash tag), else the whole key.
///
/// ```
/// use redlua::cluster::hash_tag;
///
/// assert_eq!(hash_tag(b"acct:{alice}:main"), b"alice");
/// assert_eq!(hash_tag(b"{a}{b}"), b"a"); // the first tag only
/// assert_eq!(hash_tag(b"acct:alice"), b"acct:alice"); // no tag: the whole key
/// assert_eq!(hash_tag(b"{}acct"), b"{}acct"); // an empty tag is no tag
/// ```
pub fn hash_tag(key: &[u8]) -> &[u8] {
    if let Some(open) = key.iter().position(|&b| b == b'{')
        && let Some(len) = key[open + 1..].iter().position(|&b| b == b'}')
        && len > 0
    {
        return &key[open + 1..open + 1 + len];
    }
    key
}

/// The cluster hash slot of a key (0..16384), hash tags included, computed on the client.
///
/// ```
/// use redlua::cluster::key_slot;
///
/// // What the server's `CLUSTER KEYSLOT foo` replies.
/// assert_eq!(key_slot(b"foo"), 12182);
/// assert_eq!(key_slot(b"bar"), 5061);
/// // Keys with the same hash tag share a slot: the slot of the tag.
/// assert_eq!(key_slot(b"acct:{alice}:main"), key_slot(b"alice"));
/// assert_eq!(key_slot(b"acct:{alice}:main"), key_slot(b"acct:{alice}:savings"));
/// ```
pub fn key_slot(key: &[u8]) -> u16 {
    crc16(hash_tag(key)) % SLOTS
}

/// Checks that the keys other keys are derived from (KEYS positions `derived_from`,
/// 1-based) carry a hash tag: `queue.derive(":wait")` lands in the slot of `queue` only
/// when `queue` has one. Otherwise [`Error::CrossSlot`], with nothing sent.
///
/// ```
/// use redlua::cluster::{check_derived, key_slot};
///
/// // KEYS[1] has keys derived from it: it needs a hash tag, KEYS[2] does not.
/// assert!(check_derived(&["jobs:{mail}", "stats"], &[1]).is_ok());
/// match check_derived(&["jobs:mail", "stats"], &[1]) {
///     Err(redlua::Error::CrossSlot { keys, .. }) => {
///         assert_eq!(keys, [(b"jobs:mail".to_vec(), key_slot(b"jobs:mail"))]);
///     }
///     other => panic!("expected CrossSlot, got {other:?}"),
/// }
/// ```
pub fn check_derived<K: AsRef<[u8]>>(keys: &[K], derived_from: &[usize]) -> Result<(), Error> {
    for &p in derived_from {
        let Some(k) = p.checked_sub(1).and_then(|i| keys.get(i)) else { continue };
        let k = k.as_ref();
        if hash_tag(k) == k {
            return Err(Error::CrossSlot {
                message: format!(
                    "`{}` has keys derived from it, which hash to other slots unless it carries a hash tag: name it like `{{{}}}`",
                    String::from_utf8_lossy(k),
                    String::from_utf8_lossy(k)
                ),
                keys: vec![(k.to_vec(), key_slot(k))],
            });
        }
    }
    Ok(())
}

/// The one slot of all `keys`, `None` for no keys, or [`Error::CrossSlot`] listing
/// each key with its slot.
///
/// ```
/// use redlua::cluster::{key_slot, same_slot};
///
/// assert_eq!(same_slot(&["acct:{alice}:main", "acct:{alice}:savings"]).unwrap(), Some(key_slot(b"alice")));
/// assert_eq!(same_slot::<&str>(&[]).unwrap(), None);
/// match same_slot(&["acct:{alice}", "acct:{bob}"]) {
///     Err(redlua::Error::CrossSlot { keys, .. }) => {
///         let slots: Vec<u16> = keys.iter().map(|(_, slot)| *slot).collect();
///         assert_eq!(slots, [key_slot(b"alice"), key_slot(b"bob")]);
///     }
///     other => panic!("expected CrossSlot, got {other:?}"),
/// }
/// ```
pub fn same_slot<K: AsRef<[u8]>>(keys: &[K]) -> Result<Option<u16>, Error> {
    let mut slots = keys.iter().map(|k| (k.as_ref(), key_slot(k.as_ref())));
    let Some((_, first)) = slots.next() else { return Ok(None) };
    if slots.all(|(_, s)| s == first) {
        return Ok(Some(first));
    }
    let keys: Vec<(Vec<u8>, u16)> = keys.iter().map(|k| (k.as_ref().to_vec(), key_slot(k.as_ref()))).collect();
    let listed: Vec<String> = keys.iter().map(|(k, s)| format!("`{}` (slot {s})", String::from_utf8_lossy(k))).collect();
    Err(Error::CrossSlot {
        message: format!(
            "{} hash to different slots; give them a common hash tag, e.g. `{{user:1}}:a` and `{{user:1}}:b`",
            listed.join(", ")
        ),
        keys,
    })
}

/// The slot of a function call's keys, checked as [`same_slot`] and [`check_derived`]
/// do; functions flagged `allow-cross-slot-keys` may use keys of several slots (served by
/// one node), and go to the slot of their first key.
#[cfg(feature = "cluster")]
pub(crate) fn function_slot<K: AsRef<[u8]>>(
    library: &crate::library::Library,
    function: &str,
    keys: &[K],
) -> Result<Option<u16>, Error> {
    let info = library.function(function);
    if let Some(f) = info {
        check_derived(keys, f.derived_from())?;
    }
    let cross_slot_allowed = info.is_some_and(|f| f.flags().contains(&"allow-cross-slot-keys"));
    match same_slot(keys) {
        Err(_) if cross_slot_allowed => Ok(keys.first().map(|k| key_slot(k.as_ref()))),
        other => other,
    }
}

/// The slot of a script call's keys, checked as [`same_slot`] and [`check_derived`] do.
#[cfg(feature = "cluster")]
pub(crate) fn script_slot<K: AsRef<[u8]>>(script: &crate::library::Script, keys: &[K]) -> Result<Option<u16>, Error> {
    check_derived(keys, script.derived_from())?;
    same_slot(keys)
}

#[cfg(feature = "cluster")]
pub(crate) use connected::{by_address, per_node as per_node_replies, reload_on, route as slot_route};

#[cfg(feature = "cluster")]
pub use reconnecting::ReconnectingCluster;

#[cfg(feature = "cluster")]
mod reconnecting {
    use crate::call::{FunctionCall, ScriptCall};
    use crate::error::Error;
    use redis::cluster::{ClusterClient, ClusterConnection};
    use redis::FromRedisValue;

    /// A sync Redis Cluster connection for redlua calls that redis-rs never lets re-send a
    /// command by itself (`retries(0)`, so no call runs twice behind your back), and that
    /// reconnects by itself after a connection error.
    ///
    /// With no retries, redis-rs's sync `ClusterConnection` keeps a node connection that
    /// the server closed, and every later command to that node fails. This wrapper drops the
    /// connection after an [`Error::Connection`] (the call that got it may or may not have
    /// run, as always) and makes a new one for the next call.
    ///
    /// ```no_run
    /// # #[redlua::library(name = "bank")]
    /// # pub mod bank {
    /// #     use redlua::prelude::*;
    /// #     #[redis_function]
    /// #     pub fn transfer(from: Key, to: Key, amount: i64) -> bool { true }
    /// # }
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut cluster = redlua::cluster::ReconnectingCluster::open(["redis://127.0.0.1:7000/"])?;
    /// let moved: bool = cluster.call(&bank::transfer("acct:{alice}:main", "acct:{alice}:savings", 5))?;
    /// # Ok(()) }
    /// ```
    pub struct ReconnectingCluster {
        client: ClusterClient,
        con: Option<ClusterConnection>,
    }

    impl std::fmt::Debug for ReconnectingCluster {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("ReconnectingCluster").field("connected", &self.con.is_some()).finish()
        }
    }

    impl ReconnectingCluster {
        /// A client for the cluster of these initial nodes, built with `retries(0)`; the
        /// first connection is made by the first call.
        ///
        /// ```no_run
        /// # fn main() -> Result<(), redlua::Error> {
        /// let cluster = redlua::cluster::ReconnectingCluster::open(["redis://127.0.0.1:7000/", "redis://127.0.0.1:7001/"])?;
        /// # Ok(()) }
        /// ```
        pub fn open<I, T>(nodes: I) -> Result<ReconnectingCluster, Error>
        where
            I: IntoIterator<Item = T>,
            T: redis::IntoConnectionInfo,
        {
            let client = ClusterClient::builder(nodes).retries(0).build().map_err(Error::from_redis)?;
            Ok(ReconnectingCluster::with_client(client))
        }

        /// Wraps a client you built (with your TLS, credentials, timeouts). Build it with
        /// `.retries(0)` too: redlua cannot change that setting afterwards.
        ///
        /// ```no_run
        /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let client = redis::cluster::ClusterClient::builder(["redis://127.0.0.1:7000/"]).retries(0).build()?;
        /// let cluster = redlua::cluster::ReconnectingCluster::with_client(client);
        /// # Ok(()) }
        /// ```
        pub fn with_client(client: ClusterClient) -> ReconnectingCluster {
            ReconnectingCluster { client, con: None }
        }

        /// The current connection, made first if there is none (for plain redis-rs
        /// commands, or `load_cluster`).
        ///
        /// ```no_run
        /// # #[redlua::library(name = "bank")]
        /// # pub mod bank {
        /// #     use redlua::prelude::*;
        /// #     #[redis_function]
        /// #     pub fn transfer(from: Key, to: Key, amount: i64) -> bool { true }
        /// # }
        /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let mut cluster = redlua::cluster::ReconnectingCluster::open(["redis://127.0.0.1:7000/"])?;
        /// bank::LIBRARY.load_cluster(cluster.connection()?)?;
        /// # Ok(()) }
        /// ```
        pub fn connection(&mut self) -> Result<&mut ClusterConnection, Error> {
            if self.con.is_none() {
                self.con = Some(self.client.get_connection().map_err(Error::from_redis)?);
            }
            self.con.as_mut().ok_or_else(|| Error::Reply { message: "no cluster connection".into() })
        }

        /// Forgets the connection after a connection error, so that the next call makes a
        /// new one.
        fn after<R>(&mut self, r: Result<R, Error>) -> Result<R, Error> {
            if matches!(r, Err(Error::Connection(_))) {
                self.disconnect();
            }
            r
        }

        /// Drops the connection: the next use opens a new one.
        pub(crate) fn disconnect(&mut self) {
            self.con = None;
        }

        /// [`FunctionCall::call_cluster`] on the current connection.
        ///
        /// ```no_run
        /// # #[redlua::library(name = "bank")]
        /// # pub mod bank {
        /// #     use redlua::prelude::*;
        /// #     #[redis_function]
        /// #     pub fn transfer(from: Key, to: Key, amount: i64) -> bool { true }
        /// # }
        /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let mut cluster = redlua::cluster::ReconnectingCluster::open(["redis://127.0.0.1:7000/"])?;
        /// match cluster.call(&bank::transfer("acct:{a}:1", "acct:{a}:2", 5)) {
        ///     Ok(moved) => println!("moved: {moved}"),
        ///     // The next call reconnects; this one may or may not have run.
        ///     Err(e @ redlua::Error::Connection(_)) => eprintln!("unknown outcome: {e}"),
        ///     Err(e) => return Err(e.into()),
        /// }
        /// # Ok(()) }
        /// ```
        pub fn call<T: FromRedisValue>(&mut self, call: &FunctionCall<T>) -> Result<T, Error> {
            let r = self.connection().and_then(|con| call.call_cluster(con));
            self.after(r)
        }

        /// [`ScriptCall::call_cluster`] on the current connection.
        ///
        /// ```no_run
        /// use redlua::prelude::*;
        ///
        /// #[redis_function]
        /// fn hit(counter: Key) -> i64 { incr(&counter) }
        ///
        /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let mut cluster = redlua::cluster::ReconnectingCluster::open(["redis://127.0.0.1:7000/"])?;
        /// let hits: i64 = cluster.call_script(&hit("hits:{home}"))?;
        /// # Ok(()) }
        /// ```
        pub fn call_script<T: FromRedisValue>(&mut self, call: &ScriptCall<T>) -> Result<T, Error> {
            let r = self.connection().and_then(|con| call.call_cluster(con));
            self.after(r)
        }
    }
}

#[cfg(feature = "cluster")]
mod connected {
    use crate::call::{recover, Attempt, Code, FunctionCall, Name, ScriptCall};
    use crate::error::Error;
    use crate::events::Trigger;
    use crate::library::{Library, LoadOutcome};
    #[cfg(feature = "cluster-async")]
    use crate::wire::Async;
    use crate::wire::{bytes, now, server_error as single, Blocking, ClusterWire, LibraryStatus};
    use redis::cluster_routing::{MultipleNodeRoutingInfo, Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};
    use redis::{FromRedisValue, RedisResult, Value};
    use std::future::Future;

    /// Where a call with these keys goes: the primary of their slot, or any primary. A
    /// read-only call (`FCALL_RO`, `EVALSHA_RO`) may go to a replica of the slot: redis-rs
    /// sends it to one when the client was built with a read routing strategy
    /// (`ClusterClientBuilder::read_from_replicas`), else to the primary.
    pub(crate) fn route(slot: Option<u16>, read_only: bool) -> RoutingInfo {
        let addr = if read_only { SlotAddr::ReplicaOptional } else { SlotAddr::Master };
        match slot {
            Some(slot) => RoutingInfo::SingleNode(SingleNodeRoutingInfo::SpecificNode(Route::new(slot, addr))),
            None => RoutingInfo::SingleNode(SingleNodeRoutingInfo::RandomPrimary),
        }
    }

    pub(super) fn all_primaries() -> RoutingInfo {
        RoutingInfo::MultiNode((MultipleNodeRoutingInfo::AllMasters, None))
    }

    pub(crate) fn by_address(node: &str) -> Result<RoutingInfo, Error> {
        let (host, port) = node
            .rsplit_once(':')
            .and_then(|(h, p)| Some((h.to_string(), p.parse::<u16>().ok()?)))
            .ok_or_else(|| Error::Reply { message: format!("not a node address: {node}") })?;
        Ok(RoutingInfo::SingleNode(SingleNodeRoutingInfo::ByAddress { host, port }))
    }

    /// A reply routed to one node; a server error reply becomes `Err`.
    /// The per-node replies of a command sent to all primaries: `(address, reply)`.
    pub(crate) fn per_node(v: Value) -> Result<Vec<(String, Value)>, Error> {
        match v {
            Value::Map(pairs) => Ok(pairs
                .into_iter()
                .map(|(k, v)| (bytes(&k).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default(), v))
                .collect()),
            other => Err(Error::Reply { message: format!("expected one reply per primary, got {other:?}") }),
        }
    }

    /// From `FUNCTION LIST` per primary: which primaries need the library, and their status.
    pub(super) fn statuses(library: &Library, v: Value) -> Result<Vec<(String, LibraryStatus)>, Error> {
        per_node(v)?
            .into_iter()
            .map(|(node, reply)| match reply {
                Value::ServerError(e) => Err(Error::from_redis(e.into())),
                reply => Ok((node, library.status_of(library.code_in_list(reply).as_deref()))),
            })
            .collect()
    }

    impl Library {
        /// Makes sure every primary of the cluster has this exact library: checks each
        /// one (`FUNCTION LIST .. WITHCODE`) and loads it where it is missing or differs.
        /// Replies what was done on each primary (`host:port`).
        ///
        /// ```
        /// use redlua::LoadOutcome;
        ///
        /// #[redlua::library(name = "doc_load_cluster")]
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
        /// let loaded = counters::LIBRARY.load_cluster(&mut con)?;
        /// assert_eq!(loaded.len(), 3); // one entry per primary
        /// assert!(loaded.iter().all(|(_, outcome)| *outcome == LoadOutcome::Loaded));
        /// // Every primary has it now: nothing to do the second time.
        /// let again = counters::LIBRARY.load_cluster(&mut con)?;
        /// assert!(again.iter().all(|(_, outcome)| *outcome == LoadOutcome::Unchanged));
        /// assert_eq!(counters::bump("hits").call_cluster(&mut con)?, 1);
        /// # Ok(()) }
        /// ```
        pub fn load_cluster(&self, con: &mut redis::cluster::ClusterConnection) -> Result<Vec<(String, LoadOutcome)>, Error> {
            now(self.load_cluster_on(&mut Blocking(con), Trigger::Load))
        }

        /// [`load_cluster`](Library::load_cluster) and `load_cluster_async`, for `trigger`.
        pub(crate) async fn load_cluster_on<W: ClusterWire>(&self, w: &mut W, trigger: Trigger) -> Result<Vec<(String, LoadOutcome)>, Error> {
            let v = w.route(&self.list_command(), all_primaries()).await.map_err(Error::from_redis)?;
            let mut out = Vec::new();
            for (node, status) in statuses(self, v)? {
                if status == LibraryStatus::Current {
                    out.push((node, LoadOutcome::Unchanged));
                    continue;
                }
                single(w.route(&self.load_command(), by_address(&node)?).await).map_err(|e| self.load_error(e))?;
                let outcome = self.loaded(status, Some(node.clone()), trigger);
                out.push((node, outcome));
            }
            Ok(out)
        }

        /// [`load_cluster`](Library::load_cluster) over an async cluster connection.
        ///
        /// ```no_run
        /// use redlua::LoadOutcome;
        ///
        /// #[redlua::library(name = "doc_load_cluster_async")]
        /// mod counters {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn bump(counter: Key) -> i64 {
        ///         incr(&counter)
        ///     }
        /// }
        ///
        /// # #[tokio::main]
        /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
        /// let mut con = client.get_async_connection().await?;
        /// let loaded = counters::LIBRARY.load_cluster_async(&mut con).await?;
        /// // On a fresh cluster, every primary gets it.
        /// assert!(loaded.iter().all(|(_, outcome)| *outcome == LoadOutcome::Loaded));
        /// assert_eq!(counters::bump("hits").call_cluster_async(&mut con).await?, 1);
        /// # Ok(()) }
        /// ```
        #[cfg(feature = "cluster-async")]
        pub async fn load_cluster_async(
            &self,
            con: &mut redis::cluster_async::ClusterConnection,
        ) -> Result<Vec<(String, LoadOutcome)>, Error> {
            self.load_cluster_on(&mut Async(con), Trigger::Load).await
        }
    }

    /// A call routed on a cluster: first to its slot's node (a replica may serve a
    /// read-only call), again to the primary (a replica may not have the code yet);
    /// the code is loaded on every primary.
    struct OnCluster<'a, W> {
        wire: &'a mut W,
        code: Code,
        command: &'a redis::Cmd,
        slot: Option<u16>,
        read_only: bool,
    }

    impl<W: ClusterWire> Attempt for OnCluster<'_, W> {
        fn send(&mut self, again: bool) -> impl Future<Output = RedisResult<Value>> {
            let reply = self.wire.route(self.command, route(self.slot, self.read_only && !again));
            async move { single(reply.await) }
        }

        fn load(&mut self) -> impl Future<Output = Result<(), Error>> {
            reload_on(self.code, self.wire)
        }
    }

    /// Loads code that a node said it does not have: a library on every primary where it
    /// is missing or differs, a script with `SCRIPT LOAD` (which redis-rs sends to every
    /// primary).
    pub(crate) async fn reload_on<W: ClusterWire>(code: Code, w: &mut W) -> Result<(), Error> {
        match code {
            Code::Library(l) => l.load_cluster_on(w, Trigger::Recovery).await.map(drop),
            Code::Script(s) => s.load_on(w, Trigger::Recovery).await,
        }
    }

    /// Runs a call on a cluster, with [`recover`].
    async fn call_on<W: ClusterWire, T: FromRedisValue>(
        wire: &mut W,
        code: Code,
        command: &redis::Cmd,
        slot: Option<u16>,
        read_only: bool,
        name: Name<'_>,
    ) -> Result<T, Error> {
        recover(code, name, &mut OnCluster { wire, code, command, slot, read_only }).await
    }

    impl<T: FromRedisValue> FunctionCall<T> {
        /// Runs the call on a Redis Cluster: checks on the client that all keys hash to
        /// one slot ([`Error::CrossSlot`] otherwise, with nothing sent), sends the call to
        /// the primary of that slot, and when that primary does not have the function,
        /// loads the library on every primary that lacks it and sends the call once more.
        ///
        /// ```no_run
        /// # #[redlua::library(name = "bank")]
        /// # pub mod bank {
        /// #     use redlua::prelude::*;
        /// #     #[redis_function]
        /// #     pub fn transfer(from: Key, to: Key, amount: i64) -> bool { true }
        /// # }
        /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
        /// let mut con = client.get_connection()?;
        /// // Optional at start-up: every primary gets the library now rather than on first use.
        /// bank::LIBRARY.load_cluster(&mut con)?;
        /// let moved: bool = bank::transfer("acct:{alice}:main", "acct:{alice}:savings", 5).call_cluster(&mut con)?;
        /// // Different slots: refused before anything is sent.
        /// let err = bank::transfer("acct:{alice}", "acct:{bob}", 5).call_cluster(&mut con).unwrap_err();
        /// assert!(matches!(err, redlua::Error::CrossSlot { .. }));
        /// # Ok(()) }
        /// ```
        pub fn call_cluster(&self, con: &mut redis::cluster::ClusterConnection) -> Result<T, Error> {
            self.args().check()?;
            let slot = self.slot()?;
            let code = Code::Library(self.library());
            now(call_on(&mut Blocking(con), code, &self.command(), slot, self.is_read_only(), &|| self.name()))
        }

        /// [`call_cluster`](FunctionCall::call_cluster) over an async cluster connection.
        ///
        /// ```
        /// #[redlua::library(name = "doc_call_cluster_async")]
        /// mod bank {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn deposit(account: Key, amount: i64) -> i64 {
        ///         incr_by(&account, amount)
        ///     }
        ///
        ///     #[redis_function]
        ///     pub fn transfer(from: Key, to: Key, amount: i64) -> i64 {
        ///         decr_by(&from, amount);
        ///         incr_by(&to, amount)
        ///     }
        /// }
        ///
        /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let cluster = redlua::testing::TestCluster::start(3)?;
        /// # tokio::runtime::Runtime::new()?.block_on(async {
        /// let mut con = cluster.client()?.get_async_connection().await?;
        /// // Loads the library on every primary on first use.
        /// assert_eq!(bank::deposit("acct:{alice}:main", 50).call_cluster_async(&mut con).await?, 50);
        /// let savings = bank::transfer("acct:{alice}:main", "acct:{alice}:savings", 20);
        /// assert_eq!(savings.call_cluster_async(&mut con).await?, 20);
        /// // Keys of different slots: refused on the client, nothing sent.
        /// let err = bank::transfer("acct:{alice}", "acct:{bob}", 5).call_cluster_async(&mut con).await.unwrap_err();
        /// assert!(matches!(err, redlua::Error::CrossSlot { .. }));
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// # })?;
        /// # Ok(()) }
        /// ```
        #[cfg(feature = "cluster-async")]
        pub async fn call_cluster_async(&self, con: &mut redis::cluster_async::ClusterConnection) -> Result<T, Error> {
            self.args().check()?;
            let slot = self.slot()?;
            let code = Code::Library(self.library());
            call_on(&mut Async(con), code, &self.command(), slot, self.is_read_only(), &|| self.name()).await
        }

        fn slot(&self) -> Result<Option<u16>, Error> {
            super::function_slot(self.library(), self.function(), self.keys())
        }
    }

    impl<T: FromRedisValue> ScriptCall<T> {
        /// Runs the script on a Redis Cluster: checks on the client that all keys hash to
        /// one slot ([`Error::CrossSlot`] otherwise, with nothing sent), sends `EVALSHA`
        /// to the primary of that slot, and on `NOSCRIPT` loads the script on every node
        /// (`SCRIPT LOAD`) and sends the call once more.
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
        /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let cluster = redlua::testing::TestCluster::start(3)?;
        /// let mut con = cluster.client()?.get_connection()?;
        /// // No node has the script yet: NOSCRIPT, SCRIPT LOAD, and one more EVALSHA.
        /// assert_eq!(capped_add("hits:{home}", 7, 10).call_cluster(&mut con)?, 7);
        /// assert_eq!(capped_add("hits:{home}", 7, 10).call_cluster(&mut con)?, 7); // capped
        /// // The node that serves the key holds the counter.
        /// let mut node = cluster.node_for_key(b"hits:{home}").connection()?;
        /// let stored: i64 = redis::cmd("GET").arg("hits:{home}").query(&mut node)?;
        /// assert_eq!(stored, 7);
        /// # Ok(()) }
        /// ```
        pub fn call_cluster(&self, con: &mut redis::cluster::ClusterConnection) -> Result<T, Error> {
            self.args().check()?;
            let slot = super::script_slot(self.script(), self.keys())?;
            let (code, read_only) = (Code::Script(self.script()), self.script().is_read_only());
            now(call_on(&mut Blocking(con), code, &self.command(), slot, read_only, &|| self.script().name().to_string()))
        }

        /// [`call_cluster`](ScriptCall::call_cluster) over an async cluster connection.
        ///
        /// ```no_run
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
        /// # #[tokio::main]
        /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
        /// let mut con = client.get_async_connection().await?;
        /// assert_eq!(capped_add("hits:{home}", 7, 10).call_cluster_async(&mut con).await?, 7);
        /// assert_eq!(capped_add("hits:{home}", 7, 10).call_cluster_async(&mut con).await?, 7); // capped
        /// # Ok(()) }
        /// ```
        #[cfg(feature = "cluster-async")]
        pub async fn call_cluster_async(&self, con: &mut redis::cluster_async::ClusterConnection) -> Result<T, Error> {
            self.args().check()?;
            let slot = super::script_slot(self.script(), self.keys())?;
            let (code, read_only) = (Code::Script(self.script()), self.script().is_read_only());
            call_on(&mut Async(con), code, &self.command(), slot, read_only, &|| self.script().name().to_string()).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_match_the_redis_cluster_specification() {
        // The reference value of the specification: CRC16("123456789") = 0x31C3.
        assert_eq!(crc16(b"123456789"), 0x31C3);
        // Values from CLUSTER KEYSLOT on Redis 7.0.
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"bar"), 5061);
        assert_eq!(key_slot(b""), 0);
    }

    #[test]
    fn derived_keys_need_a_hash_tag_on_their_base() {
        assert!(check_derived(&[b"q:{jobs}".to_vec(), b"other".to_vec()], &[1]).is_ok());
        assert!(matches!(check_derived(&[b"q:jobs".to_vec()], &[1]), Err(Error::CrossSlot { .. })));
        assert!(check_derived(&[b"q:jobs".to_vec()], &[]).is_ok());
    }

    #[test]
    fn hash_tags_follow_the_first_braces() {
        assert_eq!(hash_tag(b"acct:{alice}:main"), b"alice");
        assert_eq!(key_slot(b"acct:{alice}:main"), key_slot(b"alice"));
        assert_eq!(hash_tag(b"{}x"), b"{}x", "an empty tag hashes the whole key");
        assert_eq!(hash_tag(b"a{b"), b"a{b");
        assert_eq!(hash_tag(b"{a}{b}"), b"a");
        assert_eq!(hash_tag(b"x{{a}}"), b"{a", "the tag ends at the first }} after the first {{");
        assert_eq!(hash_tag(b"x}{y}"), b"y");
    }

    #[test]
    fn same_slot_lists_the_keys_of_a_cross_slot_call() {
        assert_eq!(same_slot::<&[u8]>(&[]).unwrap(), None);
        assert_eq!(same_slot(&["a:{t}", "b:{t}"]).unwrap(), Some(key_slot(b"t")));
        match same_slot(&["acct:{alice}", "acct:{bob}"]) {
            Err(Error::CrossSlot { keys, message }) => {
                assert_eq!(keys.len(), 2);
                assert!(message.contains("acct:{alice}") && message.contains("acct:{bob}"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
