//! Redis Cluster, continued, on local clusters started by the tests: redlua pipelines
//! through sync and async cluster connections (routing per slot, plain commands routed
//! by the server's own key positions, recovery after FUNCTION FLUSH on one primary with
//! every entry run exactly once, cross-slot refusal before anything is sent,
//! transactions on one slot), read-only calls served by replicas, and the management API
//! on every node, and a new primary that took over a slot (resharding) getting the
//! library on first use.

#[path = "runtime_support.rs"]
mod support;

use redis::cluster::ClusterConnection;
use redlua::functions::{self, RestorePolicy};
use redlua::testing::{TestCluster, TestServer};
use redlua::{Error, LoadOutcome, Pipeline};
use support::counters;
use support::scripts::rt_bump_script;
use support::*;

/// A cluster client that never re-sends a request by itself (see the book's chapter on errors).
fn client(cluster: &TestCluster) -> redis::cluster::ClusterClient {
    redis::cluster::ClusterClient::builder(cluster.urls()).retries(0).build().unwrap()
}

fn addr(node: &TestServer) -> String {
    format!("127.0.0.1:{}", node.port().unwrap())
}

/// A pipeline touching every primary: for each key a function call, a script call and a
/// plain INCR on `<key>:plain`, then a keyless PING.
fn mixed_pipeline(keys: &[String], by: i64) -> (Pipeline, Vec<redlua::Handle<i64>>, redlua::Handle<String>) {
    let mut pipe = Pipeline::new();
    let mut handles = Vec::new();
    for key in keys {
        handles.push(pipe.add(counters::bump(key.as_str(), by)));
        handles.push(pipe.add(rt_bump_script(format!("{key}:s").as_str(), by)));
        handles.push(pipe.add_command::<i64>(redis::cmd("INCRBY").arg(format!("{key}:plain")).arg(by).to_owned()));
    }
    let ping = pipe.add_command::<String>(redis::cmd("PING").to_owned());
    (pipe, handles, ping)
}

/// Every counter of `mixed_pipeline` on the node that serves it.
fn assert_counters(cluster: &TestCluster, keys: &[String], expected: i64, context: &str) {
    for (i, key) in keys.iter().enumerate() {
        let mut node = node_con(&cluster.nodes()[i]);
        for k in [key.clone(), format!("{key}:s"), format!("{key}:plain")] {
            assert_eq!(get_int(&mut node, &k), expected, "{k} on node {i} ({context})");
        }
    }
}

#[test]
fn sync_cluster_pipelines_route_by_slot_and_recover_with_every_entry_run_once() {
    let cluster = cluster();
    let mut con: ClusterConnection = client(&cluster).get_connection().unwrap();
    let keys = key_per_node(&cluster);

    // ANCHOR: cluster_pipeline
    // First query: the code is loaded on every primary before anything runs.
    let (pipe, handles, ping) = mixed_pipeline(&keys, 1);
    let replies = pipe.query_cluster(&mut con).unwrap();
    for h in &handles {
        assert_eq!(replies.get(*h).unwrap(), 1, "entry {}", h.index());
    }
    assert_eq!(replies.get(ping).unwrap(), "PONG");
    assert!(replies.resent().is_empty());
    assert_counters(&cluster, &keys, 1, "first query");
    for node in cluster.nodes() {
        assert_eq!(counters::LIBRARY.status(&mut node_con(node)).unwrap(), redlua::LibraryStatus::Current);
    }

    // FUNCTION FLUSH and SCRIPT FLUSH on one primary after the check: only that node's
    // calls are sent again, after the others, and each entry runs once.
    let victim = 1;
    let mut victim_con = node_con(&cluster.nodes()[victim]);
    let (mut pipe, handles, _) = mixed_pipeline(&keys, 10);
    pipe.assume_loaded();
    support::flush_code(&mut victim_con);
    let replies = pipe.query_cluster(&mut con).unwrap();
    for h in &handles {
        assert_eq!(replies.get(*h).unwrap(), 11, "entry {}", h.index());
    }
    // Entries 3 and 4 are the function and the script call of the victim's key.
    assert_eq!(replies.resent(), &[3 * victim, 3 * victim + 1]);
    assert_counters(&cluster, &keys, 11, "after FUNCTION FLUSH on one primary");
    // ANCHOR_END: cluster_pipeline

    // Without assume_loaded, the check before sending loads it again on that primary only.
    support::flush_code(&mut victim_con);
    let (pipe, handles, _) = mixed_pipeline(&keys, 100);
    let replies = pipe.query_cluster(&mut con).unwrap();
    assert!(replies.resent().is_empty(), "loaded before sending: {:?}", replies.resent());
    assert!(handles.iter().all(|h| replies.get(*h).unwrap() == 111));
    assert_counters(&cluster, &keys, 111, "after the check reloaded");
    let outcomes = counters::LIBRARY.load_cluster(&mut con).unwrap();
    assert!(outcomes.iter().all(|(_, o)| *o == LoadOutcome::Unchanged), "{outcomes:?}");

    // A rejection and a failing plain command keep their own errors; the rest runs.
    let mut pipe = Pipeline::new();
    let refused = pipe.add(counters::bump_positive(keys[0].as_str(), -1));
    let wrong_type = pipe.add_command::<i64>(redis::cmd("LPUSH").arg(format!("{}:plain", keys[2])).arg("x").to_owned());
    let fine = pipe.add(counters::bump(keys[2].as_str(), 1));
    let replies = pipe.query_cluster(&mut con).unwrap();
    assert!(matches!(replies.get(refused), Err(Error::Rejected { .. })), "{:?}", replies.get(refused));
    assert!(replies.get(wrong_type).is_err());
    assert_eq!(replies.get(fine).unwrap(), 112);
}

#[test]
fn cluster_pipelines_refuse_cross_slot_entries_before_sending_and_run_transactions_on_one_slot() {
    let cluster = cluster();
    let mut con: ClusterConnection = client(&cluster).get_connection().unwrap();
    let keys = key_per_node(&cluster);
    counters::LIBRARY.load_cluster(&mut con).unwrap();
    let fcalls = |cluster: &TestCluster| -> u64 { cluster.nodes().iter().map(|n| command_calls(&mut node_con(n), "fcall")).sum() };
    let before = fcalls(&cluster);

    // A call whose keys span slots: the whole pipeline is refused, naming the entry.
    let mut pipe = Pipeline::new();
    pipe.add(counters::bump(keys[0].as_str(), 1));
    pipe.add(counters::bump_two(keys[0].as_str(), keys[1].as_str(), 1));
    match pipe.query_cluster(&mut con) {
        Err(e @ Error::CrossSlot { .. }) => {
            assert!(e.to_string().contains("entry 1"), "{e}");
            assert!(e.did_not_run());
        }
        other => panic!("expected CrossSlot, got {other:?}"),
    }
    assert_eq!(fcalls(&cluster), before, "nothing was sent");
    assert_eq!(get_int(&mut node_con(&cluster.nodes()[0]), &keys[0]), 0);

    // The sync cluster connection cannot carry a transaction: refused, nothing sent.
    let mut pipe = Pipeline::new();
    pipe.atomic();
    pipe.add(counters::bump(keys[0].as_str(), 1));
    assert!(matches!(pipe.query_cluster(&mut con), Err(Error::Argument { .. })));
    assert_eq!(fcalls(&cluster), before);
}

#[tokio::test]
async fn async_cluster_transactions_run_on_one_slot_and_cross_slot_ones_are_refused() {
    let cluster = cluster();
    let mut con = client(&cluster).get_async_connection().await.unwrap();
    let keys = key_per_node(&cluster);
    let fcalls = |cluster: &TestCluster| -> u64 { cluster.nodes().iter().map(|n| command_calls(&mut node_con(n), "fcall")).sum() };

    // A transaction on one slot runs there, atomically, its code loaded first.
    let tag = &keys[2];
    let mut pipe = Pipeline::new();
    pipe.atomic();
    let a = pipe.add(counters::bump(format!("a:{tag}").as_str(), 5));
    let b = pipe.add(counters::bump_two(format!("b:{tag}").as_str(), format!("c:{tag}").as_str(), 7));
    let r = pipe.add(counters::read(format!("a:{tag}").as_str()));
    let plain = pipe.add_command::<i64>(redis::cmd("INCR").arg(format!("d:{tag}")).to_owned());
    let replies = pipe.query_cluster_async(&mut con).await.unwrap();
    assert_eq!((replies.get(a).unwrap(), replies.get(b).unwrap(), replies.get(r).unwrap(), replies.get(plain).unwrap()), (5, 7, 5, 1));
    // On the node of the slot: the empty transaction that shows MULTI and EXEC are allowed,
    // then the transaction.
    assert_eq!(command_calls(&mut node_con(&cluster.nodes()[2]), "exec"), 2, "two EXECs on the node of the slot");
    assert_eq!(command_calls(&mut node_con(&cluster.nodes()[0]), "exec") + command_calls(&mut node_con(&cluster.nodes()[1]), "exec"), 0, "none elsewhere");

    // A failing command inside keeps its own error; the others ran.
    let mut pipe = Pipeline::new();
    pipe.atomic();
    let refused = pipe.add(counters::bump_positive(format!("a:{tag}").as_str(), -1));
    let fine = pipe.add(counters::bump(format!("a:{tag}").as_str(), 1));
    let replies = pipe.query_cluster_async(&mut con).await.unwrap();
    assert!(matches!(replies.get(refused), Err(Error::Rejected { .. })));
    assert_eq!(replies.get(fine).unwrap(), 6);

    // A transaction across slots: refused before anything is sent.
    let mut pipe = Pipeline::new();
    pipe.atomic();
    pipe.add(counters::bump(keys[0].as_str(), 1));
    pipe.add_command::<i64>(redis::cmd("INCR").arg(&keys[1]).to_owned());
    let before = fcalls(&cluster);
    assert!(matches!(pipe.query_cluster_async(&mut con).await, Err(Error::CrossSlot { .. })));
    assert_eq!(fcalls(&cluster), before);
    assert_eq!(get_int(&mut node_con(&cluster.nodes()[1]), &keys[1]), 0);

    // A keyless first entry is fine: the transaction is routed to the slot explicitly.
    let mut pipe = Pipeline::new();
    pipe.atomic();
    pipe.add_command::<String>(redis::cmd("PING").to_owned());
    let t = pipe.add(counters::bump(format!("t:{tag}").as_str(), 3));
    let replies = pipe.query_cluster_async(&mut con).await.unwrap();
    assert_eq!(replies.get(t).unwrap(), 3);

    // A batch of plain commands whose keys span slots is refused too (the server names
    // the keys: COMMAND GETKEYS).
    let mut pipe = Pipeline::new();
    pipe.add_command::<()>(redis::cmd("MSET").arg(&keys[0]).arg(1).arg(&keys[1]).arg(2).to_owned());
    assert!(matches!(pipe.query_cluster_async(&mut con).await, Err(Error::CrossSlot { .. })));
}

#[tokio::test]
async fn an_async_cluster_transaction_of_a_user_without_multi_or_exec_is_refused_and_the_connection_lives() {
    let cluster = cluster();
    let keys = key_per_node(&cluster);
    let tag = &keys[1];
    for node in cluster.nodes() {
        let mut admin = node_con(node);
        for (user, command) in [("nomulti", "multi"), ("noexec", "exec")] {
            redis::cmd("ACL").arg("SETUSER").arg(user).arg("reset").arg("on").arg(">pw").arg("~*").arg("&*").arg("+@all").arg(format!("-{command}")).exec(&mut admin).unwrap();
        }
    }
    let node = &cluster.nodes()[1];
    let counter = format!("n:{tag}");
    for (user, command) in [("nomulti", "multi"), ("noexec", "exec")] {
        let client = redis::cluster::ClusterClient::builder(cluster.urls()).retries(0).username(user.to_string()).password("pw".to_string()).build().unwrap();
        let mut con = client.get_async_connection().await.unwrap();
        let mut other = con.clone();
        for assume_loaded in [false, true] {
            let mut pipe = Pipeline::new();
            pipe.atomic();
            if assume_loaded {
                pipe.assume_loaded();
            }
            pipe.add(counters::bump(counter.as_str(), 1));
            pipe.add(counters::bump(counter.as_str(), 1));
            match pipe.query_cluster_async(&mut con).await {
                Err(e) => {
                    assert_eq!(e.redis_error().and_then(|r| r.code()), Some("NOPERM"), "{user}: {e:?}");
                    assert!(e.did_not_run(), "{user}: {e:?}");
                    assert!(e.to_string().contains(command), "{user}: names the command: {e}");
                }
                Ok(_) => panic!("{user}: a transaction ran without permission for {command}"),
            }
            assert_eq!(get_int(&mut node_con(node), &counter), 0, "{user}: nothing ran, not even outside a transaction");
        }
        // Both handles of the shared connection still work, outside any transaction.
        assert_eq!(counters::bump(counter.as_str(), 1).call_cluster_async(&mut other).await.unwrap(), 1, "{user}");
        assert_eq!(counters::bump(counter.as_str(), 1).call_cluster_async(&mut con).await.unwrap(), 2, "{user}");
        redis::cmd("DEL").arg(&counter).exec(&mut node_con(node)).unwrap();
    }
}

#[tokio::test]
async fn async_cluster_pipelines_recover_after_function_flush_with_every_entry_run_once() {
    let cluster = cluster();
    let mut con = client(&cluster).get_async_connection().await.unwrap();
    let keys = key_per_node(&cluster);

    let (pipe, handles, ping) = mixed_pipeline(&keys, 1);
    let replies = pipe.query_cluster_async(&mut con).await.unwrap();
    assert!(handles.iter().all(|h| replies.get(*h).unwrap() == 1));
    assert_eq!(replies.get(ping).unwrap(), "PONG");
    assert_counters(&cluster, &keys, 1, "first async query");

    for round in 0..3usize {
        let victim = round % 3;
        let (mut pipe, handles, _) = mixed_pipeline(&keys, 1);
        pipe.assume_loaded();
        support::flush_code(&mut node_con(&cluster.nodes()[victim]));
        let replies = pipe.query_cluster_async(&mut con).await.unwrap();
        let expected = 2 + round as i64;
        assert!(handles.iter().all(|h| replies.get(*h).unwrap() == expected), "round {round}");
        assert_eq!(replies.resent(), &[3 * victim, 3 * victim + 1], "round {round}");
        assert_counters(&cluster, &keys, expected, "async round");
    }
}

#[test]
fn read_only_calls_go_to_replicas_when_the_client_reads_from_them() {
    let cluster = TestCluster::start_with_replicas(3, 1, TestServer::builder())
        .unwrap_or_else(|e| panic!("cannot start a cluster with replicas: {e}"));
    assert_eq!(cluster.replicas_of(0).len(), 1);
    let keys = key_per_node(&cluster);
    // ANCHOR: replicas
    #[allow(deprecated)] // `read_from_replicas` is the spelling that works across redis-rs 1.x.
    let client = redis::cluster::ClusterClient::builder(cluster.urls()).retries(0).read_from_replicas().build().unwrap();
    let mut con = client.get_connection().unwrap();
    counters::LIBRARY.load_cluster(&mut con).unwrap();
    for key in &keys {
        assert_eq!(counters::bump(key.as_str(), 4).call_cluster(&mut con).unwrap(), 4, "writes go to the primary");
    }
    // Replicas have what the primaries wrote once they have caught up.
    for (i, key) in keys.iter().enumerate() {
        let mut replica = node_con(&cluster.replicas_of(i)[0]);
        redis::cmd("READONLY").exec(&mut replica).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while redis::cmd("GET").arg(key).query::<Option<i64>>(&mut replica).unwrap() != Some(4) {
            assert!(std::time::Instant::now() < deadline, "replica of node {i} never saw {key}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    let ro_calls = |node: &TestServer| command_calls(&mut node_con(node), "fcall_ro");
    for key in &keys {
        assert_eq!(counters::read(key.as_str()).call_cluster(&mut con).unwrap(), 4);
    }
    for i in 0..3 {
        assert_eq!(ro_calls(&cluster.nodes()[i]), 0, "no FCALL_RO on primary {i}");
        assert_eq!(ro_calls(&cluster.replicas_of(i)[0]), 1, "one FCALL_RO on the replica of {i}");
    }
    // ANCHOR_END: replicas

    // A pipeline of read-only calls reads from the replicas too; through the sync
    // connection each entry is routed on its own: reads to a replica, writes to the primary.
    let mut pipe = Pipeline::new();
    let reads: Vec<_> = keys.iter().map(|k| pipe.add(counters::read(k.as_str()))).collect();
    let replies = pipe.query_cluster(&mut con).unwrap();
    assert!(reads.iter().all(|h| replies.get(*h).unwrap() == 4));
    for i in 0..3 {
        assert_eq!(ro_calls(&cluster.replicas_of(i)[0]), 2, "replica of {i}");
    }
    let mut pipe = Pipeline::new();
    let read = pipe.add(counters::read(keys[0].as_str()));
    let write = pipe.add(counters::bump(keys[0].as_str(), 1));
    let replies = pipe.query_cluster(&mut con).unwrap();
    assert_eq!((replies.get(read).unwrap(), replies.get(write).unwrap()), (4, 5));
    assert!(replies.resent().is_empty(), "nothing was redirected: {:?}", replies.resent());
    assert_eq!(ro_calls(&cluster.replicas_of(0)[0]), 3, "the read of the mixed pipeline went to the replica");
    assert_eq!(command_calls(&mut node_con(&cluster.nodes()[0]), "fcall"), 2, "its write to the primary");
    let mut primary0 = node_con(&cluster.nodes()[0]);
    let acked: i64 = redis::cmd("WAIT").arg(1).arg(10_000).query(&mut primary0).unwrap();
    assert_eq!(acked, 1, "the replica of node 0 caught up");

    // The same through the async cluster connection: one batch per slot, a batch of
    // reads to the replica.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut con = client.get_async_connection().await.unwrap();
        let mut pipe = Pipeline::new();
        let reads: Vec<_> = keys.iter().map(|k| pipe.add(counters::read(k.as_str()))).collect();
        let replies = pipe.query_cluster_async(&mut con).await.unwrap();
        assert_eq!(replies.get(reads[0]).unwrap(), 5);
        assert!(reads[1..].iter().all(|h| replies.get(*h).unwrap() == 4));
        assert_eq!(counters::read(keys[1].as_str()).call_cluster_async(&mut con).await.unwrap(), 4);
    });
    for i in 0..3 {
        assert_eq!(ro_calls(&cluster.nodes()[i]), 0, "no FCALL_RO on primary {i}");
    }
    let replica_reads: u64 = (0..3).map(|i| ro_calls(&cluster.replicas_of(i)[0])).sum();
    // 3 single calls, 3 + 1 in sync pipelines, 3 in the async pipeline, 1 async call.
    assert_eq!(replica_reads, 11, "every read-only call was served by a replica");
}

#[test]
fn the_management_api_works_on_every_node_of_a_cluster() {
    let cluster = cluster();
    let mut con: ClusterConnection = client(&cluster).get_connection().unwrap();
    counters::LIBRARY.load_cluster(&mut con).unwrap();
    let primaries: Vec<String> = {
        let mut v: Vec<String> = cluster.nodes().iter().map(addr).collect();
        v.sort();
        v
    };

    // ANCHOR: cluster_management
    let listed = functions::cluster::list(&mut con).unwrap();
    assert_eq!(listed.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(), primaries);
    for (node, libraries) in &listed {
        assert_eq!(libraries.len(), 1, "{node}");
        assert_eq!(libraries[0].name, "rt_counters");
        let read = libraries[0].functions.iter().find(|f| f.name == "read").unwrap();
        assert!(read.flags.iter().any(|f| f == "no-writes"), "{node}: {:?}", read.flags);
    }
    let with_code = functions::cluster::list_with_code(&mut con).unwrap();
    assert!(with_code.iter().all(|(_, l)| l[0].stamp().as_deref() == Some(counters::LIBRARY.stamp())));

    let stats = functions::cluster::stats(&mut con).unwrap();
    assert_eq!(stats.len(), 3);
    assert!(stats.iter().all(|(_, s)| s.running.is_none() && s.engines.iter().any(|(e, libs, _)| e == "LUA" && *libs == 1)));
    let killed = functions::cluster::kill(&mut con).unwrap();
    assert!(killed.iter().all(|(_, k)| !k), "nothing was running: {killed:?}");

    let dumps = functions::cluster::dump(&mut con).unwrap();
    assert_eq!(dumps.len(), 3);
    let deleted = functions::cluster::delete(&mut con, "rt_counters").unwrap();
    assert!(deleted.iter().all(|(_, d)| *d), "{deleted:?}");
    let again = functions::cluster::delete(&mut con, "rt_counters").unwrap();
    assert!(again.iter().all(|(_, d)| !d), "{again:?}");
    assert!(functions::cluster::list(&mut con).unwrap().iter().all(|(_, l)| l.is_empty()));
    functions::cluster::restore(&mut con, &dumps[0].1, RestorePolicy::Append).unwrap();
    for node in cluster.nodes() {
        assert_eq!(counters::LIBRARY.status(&mut node_con(node)).unwrap(), redlua::LibraryStatus::Current);
    }
    // ANCHOR_END: cluster_management
}

#[tokio::test]
async fn the_management_api_works_over_async_connections() {
    let cluster = cluster();
    let mut con = client(&cluster).get_async_connection().await.unwrap();
    counters::LIBRARY.load_cluster_async(&mut con).await.unwrap();
    let listed = functions::cluster::list_async(&mut con).await.unwrap();
    assert!(listed.len() == 3 && listed.iter().all(|(_, l)| l.len() == 1));
    let dumps = functions::cluster::dump_async(&mut con).await.unwrap();
    assert!(functions::cluster::delete_async(&mut con, "rt_counters").await.unwrap().iter().all(|(_, d)| *d));
    assert!(functions::cluster::list_with_code_async(&mut con).await.unwrap().iter().all(|(_, l)| l.is_empty()));
    functions::cluster::restore_async(&mut con, &dumps[0].1, RestorePolicy::Replace).await.unwrap();
    assert!(functions::cluster::stats_async(&mut con).await.unwrap().iter().all(|(_, s)| s.engines.iter().any(|(_, l, _)| *l == 1)));
    assert!(functions::cluster::kill_async(&mut con).await.unwrap().iter().all(|(_, k)| !k));
    assert!(functions::cluster::kill_script_async(&mut con).await.unwrap().iter().all(|(_, k)| !k));

    // One server through a ConnectionManager.
    let server = TestServer::start().unwrap();
    let mut one = redis::aio::ConnectionManager::new(server.client().unwrap()).await.unwrap();
    counters::LIBRARY.load_async(&mut one).await.unwrap();
    let libraries = functions::aio::list(&mut one).await.unwrap();
    assert_eq!(libraries.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["rt_counters"]);
    assert_eq!(functions::aio::list_with_code(&mut one).await.unwrap()[0].stamp().as_deref(), Some(counters::LIBRARY.stamp()));
    let dump = functions::aio::dump(&mut one).await.unwrap();
    assert!(functions::aio::delete(&mut one, "rt_counters").await.unwrap());
    assert!(!functions::aio::delete(&mut one, "rt_counters").await.unwrap());
    assert_eq!(functions::aio::stats(&mut one).await.unwrap().engines, vec![("LUA".to_string(), 0, 0)]);
    functions::aio::restore(&mut one, &dump, RestorePolicy::Flush).await.unwrap();
    assert_eq!(counters::LIBRARY.status(&mut node_con(&server)).unwrap(), redlua::LibraryStatus::Current);
    assert!(!functions::aio::kill(&mut one).await.unwrap());
    assert!(!functions::aio::kill_script(&mut one).await.unwrap());
}

/// Moves the empty `slot` from `from` to `to` (`CLUSTER SETSLOT .. NODE` on every node).
fn move_empty_slot(slot: u16, from: &TestServer, to: &TestServer, all: &[&TestServer]) {
    let id = |n: &TestServer| -> String { redis::cmd("CLUSTER").arg("MYID").query(&mut node_con(n)).unwrap() };
    let (from_id, to_id) = (id(from), id(to));
    redis::cmd("CLUSTER").arg("SETSLOT").arg(slot).arg("IMPORTING").arg(&from_id).exec(&mut node_con(to)).unwrap();
    redis::cmd("CLUSTER").arg("SETSLOT").arg(slot).arg("MIGRATING").arg(&to_id).exec(&mut node_con(from)).unwrap();
    let keys: i64 = redis::cmd("CLUSTER").arg("COUNTKEYSINSLOT").arg(slot).query(&mut node_con(from)).unwrap();
    assert_eq!(keys, 0, "the slot moved by the test is empty");
    for node in [to, from].into_iter().chain(all.iter().copied()) {
        redis::cmd("CLUSTER").arg("SETSLOT").arg(slot).arg("NODE").arg(&to_id).exec(&mut node_con(node)).unwrap();
    }
}

#[test]
fn a_new_primary_that_took_over_a_slot_gets_the_library_on_first_use() {
    let cluster = cluster();
    // A client that follows redirects (the default retries), as after a resharding.
    let mut con: ClusterConnection = cluster.client().unwrap().get_connection().unwrap();
    counters::LIBRARY.load_cluster(&mut con).unwrap();
    let key = "moved:{new-home}";
    let slot = redlua::cluster::key_slot(key.as_bytes());
    let from = cluster.node_for_slot(slot);

    // A fourth node joins empty (no library), and the slot of `key` moves to it.
    let newcomer = TestServer::builder().args(["--cluster-enabled", "yes"]).start().unwrap();
    let port = newcomer.port().unwrap();
    redis::cmd("CLUSTER").arg("MEET").arg("127.0.0.1").arg(port).exec(&mut node_con(&cluster.nodes()[0])).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let infos: Vec<String> = cluster
            .nodes()
            .iter()
            .chain([&newcomer])
            .map(|n| redis::cmd("CLUSTER").arg("INFO").query(&mut node_con(n)).unwrap())
            .collect();
        if infos.iter().all(|i| i.contains("cluster_known_nodes:4")) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the new node never joined: {infos:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(functions::list(&mut node_con(&newcomer)).unwrap().is_empty(), "the newcomer has no library");
    let others: Vec<&TestServer> = cluster.nodes().iter().filter(|n| !std::ptr::eq(*n, from)).collect();
    move_empty_slot(slot, from, &newcomer, &others);

    // The client's slot map is stale: the old owner redirects (MOVED), the newcomer lacks
    // the function, redlua loads it on every primary (the newcomer included) and the call
    // runs there, once.
    assert_eq!(counters::bump(key, 7).call_cluster(&mut con).unwrap(), 7);
    assert_eq!(get_int(&mut node_con(&newcomer), key), 7, "the call ran on the new owner, once");
    assert_eq!(counters::LIBRARY.status(&mut node_con(&newcomer)).unwrap(), redlua::LibraryStatus::Current);
    assert_eq!(counters::bump(key, 1).call_cluster(&mut con).unwrap(), 8);

    // The same for a pipeline through the async connection, after another move.
    let key2 = "moved:{second-home}";
    let slot2 = redlua::cluster::key_slot(key2.as_bytes());
    let from2 = cluster.node_for_slot(slot2);
    redis::cmd("FUNCTION").arg("FLUSH").exec(&mut node_con(&newcomer)).unwrap();
    let others: Vec<&TestServer> = cluster.nodes().iter().filter(|n| !std::ptr::eq(*n, from2)).collect();
    move_empty_slot(slot2, from2, &newcomer, &others);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut con = cluster.client().unwrap().get_async_connection().await.unwrap();
        let mut pipe = Pipeline::new();
        pipe.assume_loaded();
        let a = pipe.add(counters::bump(key2, 2));
        let b = pipe.add(counters::bump(format!("other:{}", key_per_node(&cluster)[0]).as_str(), 1));
        let replies = pipe.query_cluster_async(&mut con).await.unwrap();
        assert_eq!((replies.get(a).unwrap(), replies.get(b).unwrap()), (2, 1));
        assert_eq!(replies.resent(), &[a.index()], "only the call on the new owner was sent again");
    });
    assert_eq!(get_int(&mut node_con(&newcomer), key2), 2, "ran once on the new owner");
}

#[test]
fn after_a_failover_the_promoted_replica_serves_the_calls() {
    let cluster = TestCluster::start_with_replicas(3, 1, TestServer::builder())
        .unwrap_or_else(|e| panic!("cannot start a cluster with replicas: {e}"));
    let keys = key_per_node(&cluster);
    let mut con = cluster.client().unwrap().get_connection().unwrap();
    assert_eq!(counters::bump(keys[0].as_str(), 1).call_cluster(&mut con).unwrap(), 1);
    let replica = &cluster.replicas_of(0)[0];
    let mut primary0 = node_con(&cluster.nodes()[0]);
    let acked: i64 = redis::cmd("WAIT").arg(1).arg(10_000).query(&mut primary0).unwrap();
    assert_eq!(acked, 1);

    // The replica takes over (a manual failover, as an operator or the cluster would).
    redis::cmd("CLUSTER").arg("FAILOVER").exec(&mut node_con(replica)).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    // Wait until the promotion is complete: the replica is a primary, the old primary
    // follows it, and every node routes the slot to the new primary.
    let role = |node: &TestServer| -> Vec<u8> {
        let role: Vec<redis::Value> = redis::cmd("ROLE").query(&mut node_con(node)).unwrap();
        match role.first() {
            Some(redis::Value::BulkString(r)) => r.clone(),
            _ => Vec::new(),
        }
    };
    let slot = redlua::cluster::key_slot(keys[0].as_bytes());
    let new_port = replica.port().unwrap() as i64;
    let owner_seen_by = |node: &TestServer| -> Option<i64> {
        let slots: Vec<Vec<redis::Value>> = redis::cmd("CLUSTER").arg("SLOTS").query(&mut node_con(node)).ok()?;
        slots.iter().find_map(|r| {
            let (Some(redis::Value::Int(first)), Some(redis::Value::Int(last)), Some(redis::Value::Array(primary))) = (r.first(), r.get(1), r.get(2)) else { return None };
            if (*first..=*last).contains(&(slot as i64)) {
                match primary.get(1) {
                    Some(redis::Value::Int(port)) => Some(*port),
                    _ => None,
                }
            } else {
                None
            }
        })
    };
    let everyone: Vec<&TestServer> = cluster.nodes().iter().chain((0..3).flat_map(|i| cluster.replicas_of(i))).collect();
    loop {
        let promoted = role(replica) == b"master" && role(&cluster.nodes()[0]) == b"slave";
        if promoted && everyone.iter().all(|n| owner_seen_by(n) == Some(new_port)) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the failover never completed");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // It has the library by replication; the client follows the redirect of the old
    // primary and the call runs once, on the new primary.
    assert_eq!(counters::bump(keys[0].as_str(), 1).call_cluster(&mut con).unwrap(), 2);
    assert_eq!(get_int(&mut node_con(replica), &keys[0]), 2);
    assert_eq!(counters::LIBRARY.status(&mut node_con(replica)).unwrap(), redlua::LibraryStatus::Current);
    let outcomes = counters::LIBRARY.load_cluster(&mut con).unwrap();
    assert!(outcomes.iter().any(|(n, _)| *n == addr(replica)), "the new primary is one of the primaries: {outcomes:?}");
    assert!(outcomes.iter().all(|(_, o)| *o == LoadOutcome::Unchanged), "{outcomes:?}");
}

#[test]
fn a_reconnecting_cluster_recovers_after_its_connections_are_killed() {
    let cluster = cluster();
    let keys = key_per_node(&cluster);
    let kill = |cluster: &TestCluster| {
        for node in cluster.nodes() {
            let _: i64 = redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("normal").arg("SKIPME").arg("yes").query(&mut node_con(node)).unwrap();
        }
    };

    // The plain sync connection with retries(0): a killed node connection stays broken.
    let mut plain = client(&cluster).get_connection().unwrap();
    assert_eq!(counters::bump(keys[0].as_str(), 1).call_cluster(&mut plain).unwrap(), 1);
    kill(&cluster);
    let after: Vec<bool> = (0..3).map(|_| counters::bump(keys[0].as_str(), 1).call_cluster(&mut plain).is_ok()).collect();
    assert_eq!(after, [false, false, false], "redis-rs keeps the closed connection when it may not retry");

    // The wrapper: one call reports the lost connection, the next ones reconnect.
    let before = get_int(&mut node_con(&cluster.nodes()[0]), &keys[0]);
    let mut rc = redlua::cluster::ReconnectingCluster::open(cluster.urls()).unwrap();
    assert_eq!(rc.call(&counters::bump(keys[0].as_str(), 1)).unwrap(), before + 1);
    kill(&cluster);
    let first = rc.call(&counters::bump(keys[0].as_str(), 1));
    assert!(matches!(first, Err(Error::Connection(_))), "{first:?}");
    let now = get_int(&mut node_con(&cluster.nodes()[0]), &keys[0]);
    assert_eq!(rc.call(&counters::bump(keys[0].as_str(), 1)).unwrap(), now + 1, "reconnected");
    assert_eq!(rc.call_script(&rt_bump_script(format!("{}:s", keys[1]).as_str(), 2)).unwrap(), 2);
    kill(&cluster);
    let mut pipe = Pipeline::new();
    let h = pipe.add(counters::bump(keys[2].as_str(), 1));
    let lost = rc.query(&pipe).map(|r| r.get(h));
    assert!(matches!(lost, Ok(Err(Error::Connection(_))) | Err(Error::Connection(_))), "{lost:?}");
    let replies = rc.query(&pipe).unwrap();
    assert!(replies.get(h).unwrap() >= 1);
    assert!(rc.connection().is_ok());
}
