//! Pipelines over Redis Cluster connections: entries grouped by slot, one batch per
//! slot, code made present on every primary first, and the same recovery as on one
//! server. The semantics are in the [module documentation](crate::pipeline).

use crate::call::Code;
use crate::cluster::{function_slot, reload_on, same_slot, script_slot, slot_route as route, ReconnectingCluster};
use crate::error::Error;
use crate::events::Trigger;
#[cfg(feature = "cluster-async")]
use crate::pipeline::group_by_code;
#[cfg(feature = "cluster-async")]
use crate::pipeline::{transaction_allowed, transaction_probe, TRANSACTION_PROBE};
use crate::pipeline::{finish, EntryResult, Pipeline, Replies};
#[cfg(feature = "cluster-async")]
use crate::wire::Async;
use crate::wire::{bytes, now, Blocking, ClusterWire};
#[cfg(feature = "cluster-async")]
use redis::cluster_routing::{Route, SingleNodeRoutingInfo, SlotAddr};
#[cfg(feature = "cluster-async")]
use redis::cluster_routing::RoutingInfo;
use redis::Value;

/// Where the entries of a pipeline go: one batch per slot, in order of first appearance.
#[derive(Debug)]
struct Routes {
    /// `(slot, entries)`; `None` for entries without keys (any primary).
    #[cfg_attr(not(feature = "cluster-async"), allow(dead_code))]
    batches: Vec<(Option<u16>, Vec<usize>)>,
    /// The slot of each entry.
    slots: Vec<Option<u16>>,
}

/// What the first round of batches left to do.
#[derive(Debug, Default)]
#[cfg_attr(not(feature = "cluster-async"), allow(dead_code))]
struct Outcome {
    results: Vec<Option<EntryResult>>,
    /// Entries whose code was missing on their node: they did not run.
    missing: Vec<usize>,
    /// Entries the node refused because it does not serve their slot (`MOVED`, `ASK`,
    /// `TRYAGAIN`): they did not run.
    redirected: Vec<usize>,
}

/// The arguments of a command, the command name first.
fn args(cmd: &redis::Cmd) -> impl Iterator<Item = &[u8]> {
    cmd.args_iter().filter_map(|a| match a {
        redis::Arg::Simple(b) => Some(b),
        _ => None,
    })
}

/// Argument `i` of a command (0 is its name).
fn arg(cmd: &redis::Cmd, i: usize) -> Option<&[u8]> {
    args(cmd).nth(i)
}

#[cfg(feature = "cluster-async")]
/// True for a refusal that means "not this node, not now": the command did not run.
fn is_redirect(e: &redis::RedisError) -> bool {
    matches!(e.code(), Some("MOVED" | "ASK" | "TRYAGAIN")) && !crate::error::raised_while_running(e)
}

/// The `_RO` variant of a call (`FCALL_RO`, `EVALSHA_RO`) as the variant that a primary
/// routes to itself (`FCALL`, `EVALSHA`): same function, same checks on a `no-writes`
/// function, but redis-rs never sends it to a replica.
fn on_primary(cmd: &redis::Cmd) -> redis::Cmd {
    let name = arg(cmd, 0).unwrap_or_default();
    let Some(base) = name.strip_suffix(b"_RO").or_else(|| name.strip_suffix(b"_ro")) else {
        return cmd.clone();
    };
    let mut out = redis::cmd(&String::from_utf8_lossy(base));
    for a in args(cmd).skip(1) {
        out.arg(a);
    }
    out
}

fn is_read_only_command(cmd: &redis::Cmd) -> bool {
    arg(cmd, 0).is_some_and(|n| n.eq_ignore_ascii_case(b"FCALL_RO") || n.eq_ignore_ascii_case(b"EVALSHA_RO"))
}

/// The keys of an `FCALL`/`EVALSHA` command: `<name> <numkeys> <key>..`.
fn call_keys(cmd: &redis::Cmd) -> Vec<Vec<u8>> {
    let n: usize = arg(cmd, 2)
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    args(cmd).skip(3).take(n).map(<[u8]>::to_vec).collect()
}

impl Pipeline {
    #[cfg(feature = "cluster-async")]
    /// The `COMMAND GETKEYS` request for each plain command, to ask the server which of
    /// its arguments are keys (the server knows every command, modules included).
    fn getkeys(&self) -> (redis::Pipeline, Vec<usize>) {
        let mut pipe = redis::Pipeline::new();
        let mut plain = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if e.call.is_none() {
                let mut ask = redis::cmd("COMMAND");
                ask.arg("GETKEYS");
                for a in args(&e.command) {
                    ask.arg(a);
                }
                pipe.add_command(ask);
                plain.push(i);
            }
        }
        (pipe, plain)
    }

    /// The slot of every entry (calls from their keys and function flags, plain commands
    /// from `COMMAND GETKEYS`), checked: an entry whose keys span slots, or a transaction
    /// whose entries do, refuses the whole pipeline before anything is sent.
    fn routes(&self, plain: &[usize], getkeys: Vec<Value>) -> Result<Routes, Error> {
        let mut slots: Vec<Option<u16>> = vec![None; self.entries.len()];
        for (i, e) in self.entries.iter().enumerate() {
            let Some(c) = &e.call else { continue };
            let keys = call_keys(&e.command);
            let slot = match c.code {
                Code::Library(l) => {
                    let function = arg(&e.command, 1).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
                    function_slot(l, &function, &keys)
                }
                Code::Script(s) => script_slot(s, &keys),
            };
            slots[i] = slot.map_err(|err| in_entry(err, i, &c.name))?;
        }
        for (&i, reply) in plain.iter().zip(getkeys) {
            // A command without keys makes the server answer with an error: any node will do.
            let keys: Vec<Vec<u8>> = match reply {
                Value::Array(items) => items.iter().filter_map(bytes).collect(),
                _ => Vec::new(),
            };
            let name = arg(&self.entries[i].command, 0).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
            slots[i] = same_slot(&keys).map_err(|err| in_entry(err, i, &name))?;
        }
        if self.atomic {
            let mut distinct: Vec<u16> = slots.iter().flatten().copied().collect();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() > 1 {
                let keys: Vec<(Vec<u8>, u16)> = Vec::new();
                return Err(Error::CrossSlot {
                    message: format!(
                        "a transaction on Redis Cluster runs on one node, but its entries use slots {distinct:?}: \
                         give all their keys one hash tag, or send them as a plain pipeline"
                    ),
                    keys,
                });
            }
            let slot = distinct.first().copied();
            return Ok(Routes { batches: vec![(slot, (0..self.entries.len()).collect())], slots });
        }
        let mut batches: Vec<(Option<u16>, Vec<usize>)> = Vec::new();
        for (i, &slot) in slots.iter().enumerate() {
            match batches.iter_mut().find(|(s, _)| *s == slot) {
                Some((_, v)) => v.push(i),
                None => batches.push((slot, vec![i])),
            }
        }
        Ok(Routes { batches, slots })
    }

    #[cfg(feature = "cluster-async")]
    /// True when every entry at `indices` is a read-only call: the batch may go to a replica.
    fn all_read_only(&self, indices: &[usize]) -> bool {
        indices.iter().all(|&i| self.entries[i].call.is_some() && is_read_only_command(&self.entries[i].command))
    }

    #[cfg(feature = "cluster-async")]
    /// Files the replies of one batch.
    fn file_batch(&self, out: &mut Outcome, indices: &[usize], replies: redis::RedisResult<Vec<Value>>) -> Result<(), Error> {
        let replies = match replies {
            Ok(replies) => replies,
            Err(e) => {
                let e = Error::from_redis(e);
                for &i in indices {
                    out.results[i] = Some(Err(e.clone()));
                }
                return Ok(());
            }
        };
        if self.atomic {
            let (results, lost) = self.exec_results(replies)?;
            // The missing calls of a transaction are not sent again (they would run outside
            // it); their code is loaded again below for the next transaction.
            for (i, r) in results.into_iter().enumerate() {
                out.results[i] = Some(r);
            }
            for code in lost {
                if let Some(i) = self.entries.iter().position(|e| e.call.as_ref().is_some_and(|c| c.code.same(&code))) {
                    out.missing.push(i);
                }
            }
            return Ok(());
        }
        let mut replies = replies.into_iter();
        for &i in indices {
            let entry = &self.entries[i];
            out.results[i] = match (replies.next(), &entry.call) {
                (Some(Value::ServerError(e)), call) => {
                    let e: redis::RedisError = e.into();
                    match call {
                        Some(c) if c.code.is_missing(&e) => {
                            out.missing.push(i);
                            None
                        }
                        _ if is_redirect(&e) => {
                            out.redirected.push(i);
                            None
                        }
                        Some(c) => Some(Err(c.code.error(e))),
                        None => Some(Err(Error::from_redis(e))),
                    }
                }
                (Some(v), _) => Some(Ok(v)),
                (None, _) => Some(Err(Error::Reply { message: "the server sent fewer replies than commands".into() })),
            };
        }
        Ok(())
    }

    /// The reply of one entry sent again on its own, to the primary of its slot.
    fn file_resent(&self, out: &mut Outcome, i: usize, reply: redis::RedisResult<Value>) {
        let entry = &self.entries[i];
        let reply = match reply {
            Ok(Value::ServerError(e)) => Err(e.into()),
            other => other,
        };
        out.results[i] = Some(match (reply, &entry.call) {
            (Ok(v), _) => Ok(v),
            (Err(e), Some(c)) if c.code.is_missing(&e) => Err(Error::NotLoaded { name: c.name.clone(), detail: e.to_string() }),
            (Err(e), Some(c)) => Err(c.code.error(e)),
            (Err(e), None) => Err(Error::from_redis(e)),
        });
    }

    fn outcome(&self) -> Outcome {
        Outcome { results: vec![None; self.entries.len()], ..Outcome::default() }
    }

    /// Sends the pipeline through a sync Redis Cluster connection, entry by entry; see the
    /// [module documentation](crate::pipeline) ("On Redis Cluster") for the semantics.
    ///
    /// redis-rs's sync `ClusterConnection` turns the replies of a whole batch into one
    /// error as soon as one command of the batch fails (and its retries would send the
    /// whole batch again), so through it redlua sends each entry on its own, routed to its
    /// slot: every entry keeps its own reply or error and runs exactly once, but there is
    /// no batching. Transactions need the async connection
    /// (`query_cluster_async`); here they are refused with [`Error::Argument`] before
    /// anything is sent.
    ///
    /// ```no_run
    /// # #[redlua::library(name = "bank")]
    /// # pub mod bank {
    /// #     use redlua::prelude::*;
    /// #     #[redis_function]
    /// #     pub fn transfer(from: Key, to: Key, amount: i64) -> bool { true }
    /// # }
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = redis::cluster::ClusterClient::builder(vec!["redis://127.0.0.1:7000/"]).retries(0).build()?;
    /// let mut con = client.get_connection()?;
    /// let mut pipe = redlua::Pipeline::new();
    /// let a = pipe.add(bank::transfer("acct:{alice}:main", "acct:{alice}:savings", 5));
    /// let b = pipe.add(bank::transfer("acct:{bob}:main", "acct:{bob}:savings", 7));
    /// let replies = pipe.query_cluster(&mut con)?;
    /// let (a, b): (bool, bool) = (replies.get(a)?, replies.get(b)?);
    /// # Ok(()) }
    /// ```
    pub fn query_cluster(&self, con: &mut redis::cluster::ClusterConnection) -> Result<Replies, Error> {
        use redis::ConnectionLike;
        self.validate()?;
        if self.entries.is_empty() {
            return Ok(Replies { results: Vec::new(), resent: Vec::new() });
        }
        if self.atomic {
            return Err(Error::Argument {
                message: "a transaction on Redis Cluster needs the async cluster connection (query_cluster_async): \
                          redis-rs's sync ClusterConnection loses the replies of a transaction in which one command fails"
                    .into(),
            });
        }
        // Calls are checked for one slot before anything is sent; plain commands are
        // routed by redis-rs, as outside a pipeline.
        let routes = self.routes(&[], Vec::new())?;
        if !self.assume_loaded {
            now(self.make_present(&mut Blocking(&mut *con)))?;
        }
        let mut out = self.outcome();
        let mut resent = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            let Some(c) = &entry.call else {
                let reply = con.req_command(&entry.command);
                self.file_resent(&mut out, i, reply);
                continue;
            };
            let read_only = is_read_only_command(&entry.command);
            let first = con.route_command(&entry.command, route(routes.slots[i], read_only));
            match first {
                Err(e) if c.code.is_missing(&e) => {
                    match now(reload_on(c.code, &mut Blocking(&mut *con))) {
                        Ok(()) => {
                            resent.push(i);
                            // To the primary: a replica may not have the code yet.
                            let again = con.route_command(&on_primary(&entry.command), route(routes.slots[i], false));
                            self.file_resent(&mut out, i, again);
                        }
                        Err(e) => self.mark_not_loaded_cluster(&mut out, &[i], &e),
                    }
                }
                other => self.file_resent(&mut out, i, other),
            }
        }
        Ok(finish(out.results, resent))
    }

    /// [`query_cluster`](Pipeline::query_cluster) over an async cluster connection, with
    /// the same semantics; the batches of different slots are sent one after the other.
    ///
    /// ```
    /// #[redlua::library(name = "doc_query_cluster_async")]
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
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = redlua::testing::TestCluster::start(3)?;
    /// # tokio::runtime::Runtime::new()?.block_on(async {
    /// let mut con = cluster.client()?.get_async_connection().await?;
    /// let mut pipe = redlua::Pipeline::new();
    /// // Two slots: one batch for the keys tagged {alice}, one for those tagged {bob}.
    /// let alice = pipe.add(bank::deposit("acct:{alice}", 5));
    /// let bob = pipe.add(bank::deposit("acct:{bob}", 7));
    /// let hits = pipe.add_command::<i64>(redis::cmd("INCR").arg("hits:{alice}").to_owned());
    /// let replies = pipe.query_cluster_async(&mut con).await?;
    /// assert_eq!((replies.get(alice)?, replies.get(bob)?, replies.get(hits)?), (5, 7, 1));
    ///
    /// // A transaction runs on one node: all its keys must share a slot.
    /// let mut tx = redlua::Pipeline::new();
    /// tx.atomic();
    /// let deposited = tx.add(bank::deposit("acct:{alice}", 5));
    /// let balance = tx.add(bank::balance("acct:{alice}"));
    /// let replies = tx.query_cluster_async(&mut con).await?;
    /// assert_eq!((replies.get(deposited)?, replies.get(balance)?), (10, 10));
    /// tx.add(bank::deposit("acct:{bob}", 1));
    /// assert!(matches!(tx.query_cluster_async(&mut con).await, Err(redlua::Error::CrossSlot { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "cluster-async")]
    pub async fn query_cluster_async(&self, con: &mut redis::cluster_async::ClusterConnection) -> Result<Replies, Error> {
        self.validate()?;
        if self.entries.is_empty() {
            return Ok(Replies { results: Vec::new(), resent: Vec::new() });
        }
        let (ask, plain) = self.getkeys();
        let getkeys = if plain.is_empty() {
            Vec::new()
        } else {
            let n = ask.len();
            con.route_pipeline(ask, 0, n, SingleNodeRoutingInfo::Random).await.map_err(Error::from_redis)?
        };
        let routes = self.routes(&plain, getkeys)?;
        if !self.assume_loaded {
            self.make_present(&mut Async(&mut *con)).await?;
        }
        let mut out = self.outcome();
        for (slot, indices) in &routes.batches {
            let read_only = !self.atomic && self.all_read_only(indices);
            let route = match slot {
                Some(slot) => SingleNodeRoutingInfo::SpecificNode(Route::new(
                    *slot,
                    if read_only { SlotAddr::ReplicaOptional } else { SlotAddr::Master },
                )),
                None => SingleNodeRoutingInfo::RandomPrimary,
            };
            if self.atomic {
                // A transaction of keyless entries goes to the primary of slot 0: the probe,
                // the transaction and a DISCARD must reach one node.
                let route = match slot {
                    Some(_) => route,
                    None => SingleNodeRoutingInfo::SpecificNode(Route::new(0, SlotAddr::Master)),
                };
                // One slot: the whole pipeline. MULTI, the commands and EXEC as plain
                // commands (redis-rs's own transactions panic or kill the connection when
                // MULTI is refused), after an empty transaction on the same node that shows
                // MULTI and EXEC are allowed: were MULTI refused with the commands behind
                // it, the node would run them one by one.
                let probe = con.route_pipeline(transaction_probe(), 0, TRANSACTION_PROBE, route.clone()).await.map_err(Error::from_redis)?;
                transaction_allowed(probe)?;
                let n = self.entries.len();
                let replies = con.route_pipeline(self.transaction(true), 0, n + 2, route.clone()).await.map_err(Error::from_redis)?;
                let items = match self.exec_items(replies) {
                    Ok(items) => items,
                    Err((e, in_multi)) => {
                        if in_multi {
                            // EXEC was refused: leave the transaction (best effort; the
                            // error is reported either way).
                            let _ = con.route_command(redis::cmd("DISCARD"), RoutingInfo::SingleNode(route)).await;
                        }
                        return Err(e);
                    }
                };
                self.file_batch(&mut out, indices, Ok(vec![Value::Array(items)]))?;
                continue;
            }
            let pipe = self.batch(indices);
            let count = pipe.len();
            let replies = con.route_pipeline(pipe, 0, count, route).await;
            self.file_batch(&mut out, indices, replies)?;
        }
        let missing = std::mem::take(&mut out.missing);
        let mut resend = std::mem::take(&mut out.redirected);
        for (code, indices) in group_by_code(&self.entries, &missing) {
            match reload_on(code, &mut Async(&mut *con)).await {
                Ok(()) if !self.atomic => resend.extend(indices),
                Ok(()) => {}
                Err(e) => self.mark_not_loaded_cluster(&mut out, &indices, &e),
            }
        }
        resend.sort_unstable();
        for &i in &resend {
            let cmd = on_primary(&self.entries[i].command);
            let reply = con.route_command(cmd, route(routes.slots[i], false)).await;
            self.file_resent(&mut out, i, reply);
        }
        Ok(finish(out.results, resend))
    }

}

impl Pipeline {
    /// Before sending: every library the pipeline calls on every primary, in this
    /// version, and every script in the script cache.
    async fn make_present<W: ClusterWire>(&self, w: &mut W) -> Result<(), Error> {
        for code in self.codes() {
            match code {
                Code::Library(l) => {
                    l.load_cluster_on(w, Trigger::Pipeline).await?;
                }
                Code::Script(s) => {
                    if !s.exists_on(w).await? {
                        s.load_on(w, Trigger::Pipeline).await?;
                    }
                }
            }
        }
        Ok(())
    }

    fn mark_not_loaded_cluster(&self, out: &mut Outcome, indices: &[usize], e: &Error) {
        for &i in indices {
            if out.results[i].is_none() {
                let name = self.entries[i].call.as_ref().map(|c| c.name.clone()).unwrap_or_default();
                out.results[i] = Some(Err(match e {
                    e @ Error::FunctionNameTaken { .. } => e.clone(),
                    e => Error::NotLoaded { name, detail: format!("loading it failed: {e}") },
                }));
            }
        }
    }
}

/// The error of one entry, naming it.
fn in_entry(err: Error, i: usize, name: &str) -> Error {
    match err {
        Error::CrossSlot { message, keys } => Error::CrossSlot { message: format!("entry {i} ({name}): {message}"), keys },
        other => other,
    }
}

impl ReconnectingCluster {
    /// [`Pipeline::query_cluster`] on the current connection; reconnects for the next
    /// use when an entry (or the query) lost its connection.
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
    /// let mut pipe = redlua::Pipeline::new();
    /// let a = pipe.add(bank::transfer("acct:{a}:1", "acct:{a}:2", 5));
    /// let replies = cluster.query(&pipe)?;
    /// let moved: bool = replies.get(a)?;
    /// # Ok(()) }
    /// ```
    pub fn query(&mut self, pipe: &Pipeline) -> Result<Replies, Error> {
        let r = self.connection().and_then(|con| pipe.query_cluster(con));
        let lost = match &r {
            Ok(replies) => replies.results().iter().any(|e| matches!(e, Err(Error::Connection(_)))),
            Err(e) => matches!(e, Error::Connection(_)),
        };
        if lost {
            self.disconnect();
        }
        r
    }
}
