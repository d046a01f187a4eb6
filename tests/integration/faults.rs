//! Fault injection: thousands of transfers from concurrent clients (sync and async)
//! while the server loses its functions and scripts (`FUNCTION FLUSH`, `SCRIPT FLUSH`),
//! drops the clients' connections (`CLIENT KILL`), restarts with AOF on, and runs a slow
//! function that makes other clients see `BUSY`; then the flushes and kills on a local
//! 3-primary cluster.
//!
//! Invariants checked at the end, and printed:
//! - the total balance is conserved;
//! - every call either succeeded or returned a typed `redlua::Error`;
//! - no call ran twice: each call carries an id and the function counts its runs per id
//!   on the server (`HINCRBY`); redlua never sends a call again unless the server said
//!   it did not run;
//! - recovery is bounded: the number of `FUNCTION LOAD`s stays within one per client and
//!   per loss of the library.

use redlua::testing::TestServer;
use redlua::Error;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[redlua::library(name = "faults")]
pub mod faults {
    use redlua::prelude::*;

    /// Moves `amount` between two accounts and counts its own runs for `id`.
    #[redis_function]
    pub fn transfer(from: Key, to: Key, runs: Key, amount: i64, id: String) -> bool {
        hincr_by(&runs, &id, 1);
        let balance = get::<i64>(&from).unwrap_or(0);
        if balance < amount {
            return false;
        }
        decr_by(&from, amount);
        incr_by(&to, amount);
        true
    }
}

const ACCOUNTS: usize = 4;
const START: i64 = 1_000;

fn account(i: usize) -> String {
    format!("{{bank}}:acct:{i}")
}

#[derive(Default)]
struct Tally {
    ok: u64,
    refused_did_not_run: u64,
    ambiguous: u64,
    kinds: std::collections::BTreeMap<&'static str, u64>,
    samples: std::collections::BTreeMap<&'static str, String>,
}

fn kind(e: &Error) -> &'static str {
    match e {
        Error::NotLoaded { .. } => "NotLoaded",
        Error::Busy(_) => "Busy",
        Error::Connection(_) => "Connection",
        Error::Script { .. } => "Script",
        Error::Redis(_) => "Redis",
        _ => "other",
    }
}

fn record(t: &Mutex<Tally>, r: &Result<bool, Error>) {
    let mut t = t.lock().unwrap();
    match r {
        Ok(_) => t.ok += 1,
        Err(e) => {
            *t.kinds.entry(kind(e)).or_default() += 1;
            t.samples.entry(kind(e)).or_insert_with(|| e.to_string());
            if e.did_not_run() {
                t.refused_did_not_run += 1;
            } else {
                t.ambiguous += 1;
            }
        }
    }
}

/// The invariants of a fault run besides the balance: every call has an outcome, errors
/// are the expected typed ones, no id ran twice (`ids` ran, `twice` more than once), most
/// calls succeeded and every success ran.
fn assert_invariants(t: &Tally, calls: u64, ids: usize, twice: usize) {
    assert_eq!(t.ok + t.refused_did_not_run + t.ambiguous, calls, "every call has an outcome");
    assert_eq!(t.kinds.get("other"), None, "only the expected typed errors");
    assert_eq!(twice, 0, "no call ran twice");
    assert!(t.ok as f64 > calls as f64 * 0.5, "most calls succeed despite the faults: {}", t.ok);
    assert!(ids as u64 >= t.ok, "every successful call ran");
}

fn total(con: &mut redis::Connection) -> i64 {
    (0..ACCOUNTS).map(|i| redis::cmd("GET").arg(account(i)).query::<Option<i64>>(con).unwrap().unwrap_or(0)).sum()
}

/// Three runs in a row, each on a fresh server.
#[test]
fn transfers_survive_flushes_kills_restarts_and_busy_scripts() {
    for round in 1..=3 {
        println!("round {round}");
        run_once();
    }
}

fn run_once() {
    let mut server = TestServer::builder()
        .args(["--appendonly", "yes", "--appendfsync", "always", "--busy-reply-threshold", "100"])
        .start()
        .expect("redis-server must be installed");
    let url = server.url().to_string();
    let mut admin = server.connection().unwrap();
    for i in 0..ACCOUNTS {
        redis::cmd("SET").arg(account(i)).arg(START).exec(&mut admin).unwrap();
    }
    let per_client = 720u64;
    let sync_clients = 10;
    let async_clients = 4;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let losses = Arc::new(AtomicU64::new(0));

    let worker = |c: usize, tally: Arc<Mutex<Tally>>, url: String| {
        move || {
            let client = redis::Client::open(url.as_str()).unwrap();
            let mut con = None;
            let mut n = 0;
            while n < per_client {
                let c2 = match con.as_mut() {
                    Some(c) => c,
                    None => match client.get_connection() {
                        Ok(c) => con.insert(c),
                        Err(_) => {
                            std::thread::sleep(Duration::from_millis(20));
                            continue;
                        }
                    },
                };
                let (from, to) = ((c + n as usize) % ACCOUNTS, (c + n as usize + 1) % ACCOUNTS);
                let id = format!("s{c}-{n}");
                let r = faults::transfer(account(from), account(to), "{bank}:runs", 1 + (n % 5) as i64, id).call(c2);
                if matches!(&r, Err(Error::Connection(_))) {
                    con = None;
                }
                record(&tally, &r);
                n += 1;
            }
        }
    };
    let handles: Vec<_> = (0..sync_clients).map(|c| std::thread::spawn(worker(c, tally.clone(), url.clone()))).collect();
    let async_handle = {
        let (tally, url) = (tally.clone(), url.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let client = redis::Client::open(url.as_str()).unwrap();
                let mut tasks = Vec::new();
                for c in 0..async_clients {
                    let (client, tally) = (client.clone(), tally.clone());
                    tasks.push(tokio::spawn(async move {
                        let mut con = None;
                        let mut n = 0;
                        while n < per_client {
                            if con.is_none() {
                                match client.get_multiplexed_async_connection().await {
                                    Ok(c) => con = Some(c),
                                    Err(_) => {
                                        tokio::time::sleep(Duration::from_millis(20)).await;
                                        continue;
                                    }
                                }
                            }
                            let c2 = con.as_mut().unwrap();
                            let (from, to) = ((c + n as usize) % ACCOUNTS, (c + n as usize + 2) % ACCOUNTS);
                            let id = format!("a{c}-{n}");
                            let r = faults::transfer(account(from), account(to), "{bank}:runs", 1 + (n % 3) as i64, id).call_async(c2).await;
                            if matches!(&r, Err(Error::Connection(_))) {
                                con = None;
                            }
                            record(&tally, &r);
                            n += 1;
                        }
                    }));
                }
                for t in tasks {
                    t.await.unwrap();
                }
            });
        })
    };

    // The injector: one fault after another while the clients run.
    let injector = {
        let (stop, losses, url) = (stop.clone(), losses.clone(), url.clone());
        std::thread::spawn(move || {
            let client = redis::Client::open(url.as_str()).unwrap();
            let mut step = 0u64;
            let slow = "#!lua name=slow\nredis.register_function('spin', function(keys, args)\n  local t = redis.call('TIME')\n  local start = t[1] * 1000000 + t[2]\n  while true do\n    t = redis.call('TIME')\n    if t[1] * 1000000 + t[2] - start > 250000 then\n      return 1\n    end\n  end\nend)\n";
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(40));
                let Ok(mut con) = client.get_connection() else { continue };
                let r: redis::RedisResult<()> = match step % 4 {
                    0 => redis::cmd("FUNCTION").arg("FLUSH").query(&mut con).map(|()| {
                        losses.fetch_add(1, Ordering::Relaxed);
                    }),
                    1 => redis::cmd("SCRIPT").arg("FLUSH").query(&mut con),
                    2 => redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("normal").arg("SKIPME").arg("yes").query::<i64>(&mut con).map(|_| ()),
                    _ => {
                        // A function that runs past busy-reply-threshold: others see BUSY.
                        let _ = redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(slow).query::<String>(&mut con);
                        redis::cmd("FCALL").arg("spin").arg(0).query::<i64>(&mut con).map(|_| ())
                    }
                };
                let _ = r;
                step += 1;
            }
            step
        })
    };

    // Halfway through, restart the server (AOF on): the data survives, the clients
    // reconnect, the library is loaded again on demand.
    std::thread::sleep(Duration::from_millis(800));
    drop(admin);
    server.restart().expect("restart");
    losses.fetch_add(1, Ordering::Relaxed);

    for h in handles {
        h.join().expect("a sync client panicked");
    }
    async_handle.join().expect("an async client panicked");
    stop.store(true, Ordering::Relaxed);
    let faults_injected = injector.join().unwrap();

    let mut admin = server.connection().unwrap();
    let t = tally.lock().unwrap();
    let calls = (sync_clients + async_clients) as u64 * per_client;
    let runs: std::collections::HashMap<String, i64> = redis::cmd("HGETALL").arg("{bank}:runs").query(&mut admin).unwrap();
    let twice = runs.values().filter(|n| **n > 1).count();
    let sum = total(&mut admin);
    let loads = {
        let stats: String = redis::cmd("INFO").arg("commandstats").query(&mut admin).unwrap();
        stats.lines().find(|l| l.starts_with("cmdstat_function|load:")).and_then(|l| l.split(&[':', ','][..]).find_map(|p| p.strip_prefix("calls="))).and_then(|n| n.parse::<u64>().ok()).unwrap_or(0)
    };
    println!(
        "fault run: {calls} calls, {} ok, {} refused before running, {} ambiguous (connection lost mid-call); errors by kind {:?} (e.g. {:?}); {} ids ran, {twice} ran twice; total balance {sum} (start {}); {faults_injected} faults injected and a restart; FUNCTION LOAD calls since the restart: {loads}",
        t.ok,
        t.refused_did_not_run,
        t.ambiguous,
        t.kinds,
        t.samples,
        runs.len(),
        START * ACCOUNTS as i64
    );
    assert_eq!(sum, START * ACCOUNTS as i64, "the total balance is conserved");
    assert_invariants(&t, calls, runs.len(), twice);
    let clients = (sync_clients + async_clients) as u64;
    assert!(loads <= (losses.load(Ordering::Relaxed) + 1) * clients, "recovery is bounded: {loads} loads");
}

/// The same faults, less the restart and BUSY, on a local 3-primary cluster: three groups
/// of accounts, each under its own hash tag, so that the calls spread over the primaries,
/// and the injector hits a random primary each time.
#[test]
fn transfers_survive_flushes_and_kills_on_a_cluster() {
    const TAGS: [&str; 3] = ["{a}", "{b}", "{c}"];
    let acct = |tag: usize, i: usize| format!("{}:acct:{i}", TAGS[tag]);
    let runs_key = |tag: usize| format!("{}:runs", TAGS[tag]);
    let cluster = redlua::testing::TestCluster::start(3).unwrap_or_else(|e| panic!("cannot start a 3-primary cluster: {e}"));
    // redis-rs sends a cluster command again by itself after a connection error (16
    // retries by default), which can run an FCALL twice: a client on a money path turns
    // that off, and redlua's own recovery (reload on "not found", one resend) remains.
    let client = redis::cluster::ClusterClientBuilder::new(cluster.urls()).retries(0).build().unwrap();
    let mut admin = client.get_connection().unwrap();
    for tag in 0..TAGS.len() {
        for i in 0..ACCOUNTS {
            redis::cmd("SET").arg(acct(tag, i)).arg(START).exec(&mut admin).unwrap();
        }
    }
    let per_client = 1260u64;
    let (sync_clients, async_clients) = (6usize, 2usize);
    let tally = Arc::new(Mutex::new(Tally::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let losses = Arc::new(AtomicU64::new(0));

    let handles: Vec<_> = (0..sync_clients)
        .map(|c| {
            let (tally, client) = (tally.clone(), client.clone());
            std::thread::spawn(move || {
                // With retries(0), redis-rs's sync cluster connection keeps a node connection
                // the server closed: half the clients use redlua's wrapper, which reconnects
                // after a connection error, the other half do it by hand.
                let mut wrapped = redlua::cluster::ReconnectingCluster::with_client(client.clone());
                let mut con = client.get_connection().unwrap();
                for n in 0..per_client {
                    let tag = (c + n as usize) % TAGS.len();
                    let (from, to) = ((c + n as usize) % ACCOUNTS, (c + n as usize + 1) % ACCOUNTS);
                    let call = faults::transfer(acct(tag, from), acct(tag, to), runs_key(tag), 1 + (n % 5) as i64, format!("s{c}-{n}"));
                    let r = if c % 2 == 0 { wrapped.call(&call) } else { call.call_cluster(&mut con) };
                    record(&tally, &r);
                    if c % 2 == 1 && matches!(r, Err(Error::Connection(_))) {
                        con = client.get_connection().unwrap();
                    }
                }
            })
        })
        .collect();
    // Pipelines too: three transfers per pipeline, one per slot, through the sync
    // connection (entry by entry) and the async one (one batch per slot).
    let pipelines_per_client = per_client / 3;
    let sync_pipeline = {
        let (tally, client) = (tally.clone(), client.clone());
        std::thread::spawn(move || {
            let mut con = redlua::cluster::ReconnectingCluster::with_client(client.clone());
            for n in 0..pipelines_per_client {
                let mut pipe = redlua::Pipeline::new();
                let handles: Vec<_> = (0..TAGS.len())
                    .map(|tag| {
                        let (from, to) = ((n as usize + tag) % ACCOUNTS, (n as usize + tag + 3) % ACCOUNTS);
                        pipe.add(faults::transfer(acct(tag, from), acct(tag, to), runs_key(tag), 1 + (n % 4) as i64, format!("ps-{n}-{tag}")))
                    })
                    .collect();
                match con.query(&pipe) {
                    Ok(replies) => handles.iter().for_each(|h| record(&tally, &replies.get(*h))),
                    Err(e) => handles.iter().for_each(|_| record(&tally, &Err(e.clone()))),
                }
            }
        })
    };
    let async_handle = {
        let (tally, client) = (tally.clone(), client.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let mut tasks = Vec::new();
                for c in 0..async_clients {
                    let (client, tally) = (client.clone(), tally.clone());
                    tasks.push(tokio::spawn(async move {
                        let mut con = client.get_async_connection().await.unwrap();
                        for n in 0..per_client {
                            let tag = (c + n as usize) % TAGS.len();
                            let (from, to) = ((c + n as usize) % ACCOUNTS, (c + n as usize + 2) % ACCOUNTS);
                            let r = faults::transfer(acct(tag, from), acct(tag, to), runs_key(tag), 1 + (n % 3) as i64, format!("a{c}-{n}")).call_cluster_async(&mut con).await;
                            record(&tally, &r);
                        }
                    }));
                }
                let (client, tally) = (client.clone(), tally.clone());
                tasks.push(tokio::spawn(async move {
                    let mut con = client.get_async_connection().await.unwrap();
                    for n in 0..pipelines_per_client {
                        let mut pipe = redlua::Pipeline::new();
                        let handles: Vec<_> = (0..TAGS.len())
                            .map(|tag| {
                                let (from, to) = ((n as usize + tag + 1) % ACCOUNTS, (n as usize + tag + 5) % ACCOUNTS);
                                pipe.add(faults::transfer(acct(tag, from), acct(tag, to), runs_key(tag), 1 + (n % 2) as i64, format!("pa-{n}-{tag}")))
                            })
                            .collect();
                        match pipe.query_cluster_async(&mut con).await {
                            Ok(replies) => handles.iter().for_each(|h| record(&tally, &replies.get(*h))),
                            Err(e) => handles.iter().for_each(|_| record(&tally, &Err(e.clone()))),
                        }
                    }
                }));
                for t in tasks {
                    t.await.unwrap();
                }
            });
        })
    };

    let urls = cluster.urls();
    let injector = {
        let (stop, losses) = (stop.clone(), losses.clone());
        std::thread::spawn(move || {
            let mut step = 0u64;
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(40));
                let node = &urls[(step as usize / 3) % urls.len()];
                let Ok(mut con) = redis::Client::open(node.as_str()).and_then(|c| c.get_connection()) else { continue };
                let _ = match step % 3 {
                    0 => redis::cmd("FUNCTION").arg("FLUSH").query::<()>(&mut con).map(|()| {
                        losses.fetch_add(1, Ordering::Relaxed);
                    }),
                    1 => redis::cmd("SCRIPT").arg("FLUSH").query::<()>(&mut con),
                    _ => redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("normal").arg("SKIPME").arg("yes").query::<i64>(&mut con).map(|_| ()),
                };
                step += 1;
            }
            step
        })
    };
    for h in handles {
        h.join().expect("a sync client panicked");
    }
    sync_pipeline.join().expect("the sync pipeline client panicked");
    async_handle.join().expect("an async client panicked");
    stop.store(true, Ordering::Relaxed);
    let faults_injected = injector.join().unwrap();

    let mut admin = client.get_connection().unwrap();
    let t = tally.lock().unwrap();
    let calls = (sync_clients + async_clients) as u64 * per_client + 2 * pipelines_per_client * TAGS.len() as u64;
    let mut ids = 0;
    let mut twice = 0;
    let mut sums = Vec::new();
    for tag in 0..TAGS.len() {
        let runs: std::collections::HashMap<String, i64> = redis::cmd("HGETALL").arg(runs_key(tag)).query(&mut admin).unwrap();
        ids += runs.len();
        twice += runs.values().filter(|n| **n > 1).count();
        sums.push((0..ACCOUNTS).map(|i| redis::cmd("GET").arg(acct(tag, i)).query::<Option<i64>>(&mut admin).unwrap().unwrap_or(0)).sum::<i64>());
    }
    println!(
        "cluster fault run: {calls} calls, {} ok, {} refused before running, {} ambiguous; errors by kind {:?} (e.g. {:?}); {ids} ids ran, {twice} ran twice; balances per tag {sums:?} (start {} each); {faults_injected} faults injected",
        t.ok,
        t.refused_did_not_run,
        t.ambiguous,
        t.kinds,
        t.samples,
        START * ACCOUNTS as i64
    );
    assert!(sums.iter().all(|s| *s == START * ACCOUNTS as i64), "the total balance is conserved per tag: {sums:?}");
    assert_invariants(&t, calls, ids, twice);
}
