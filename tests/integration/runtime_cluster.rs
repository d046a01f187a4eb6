//! Redis Cluster on a local 3-primary cluster started by the test: client-side slots
//! agree with the server, calls route by key, a primary that lost the library (FUNCTION
//! FLUSH on that node only) gets it back and the call runs once, cross-slot calls are
//! refused without a round trip, and each primary's version is reported.

#[path = "runtime_support.rs"]
mod support;

use redis::cluster::ClusterConnection;
use redlua::cluster::key_slot;
use redlua::events::{self, Event, Trigger};
use redlua::testing::TestCluster;
use redlua::{Error, LibraryStatus, LoadOutcome};
use std::sync::{Arc, Mutex};
use support::counters;
use support::scripts::rt_bump_script;
use support::*;

fn fcalls_everywhere(cluster: &TestCluster) -> u64 {
    cluster.nodes().iter().map(|n| command_calls(&mut node_con(n), "fcall")).sum()
}

/// One reported library load: the node, what it held before, why.
type Load = (Option<String>, LibraryStatus, Trigger);

/// Library loads reported on this thread.
fn record_loads() -> (Arc<Mutex<Vec<Load>>>, events::Subscription) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let me = std::thread::current().id();
    let sub = events::subscribe(move |e| {
        if std::thread::current().id() != me {
            return;
        }
        if let Event::LibraryLoaded { library: "rt_counters", node, previous, trigger, .. } = e {
            s.lock().unwrap().push((node.clone(), previous.clone(), *trigger));
        }
    });
    (seen, sub)
}

#[test]
fn sync_cluster_calls_route_by_key_and_recover_when_one_primary_lost_the_library() {
    let cluster = cluster();
    let mut con: ClusterConnection = cluster.client().unwrap().get_connection().unwrap();
    let keys = key_per_node(&cluster);

    // Client-side slots agree with the server's, hash tags included.
    let mut node0 = node_con(&cluster.nodes()[0]);
    for key in ["foo", "bar", "", "acct:{alice}:main", "{}x", "a{b", "x{{a}}", "{user1000}.following", "\u{e9}t\u{e9}"] {
        let server: u16 = redis::cmd("CLUSTER").arg("KEYSLOT").arg(key).query(&mut node0).unwrap();
        assert_eq!(key_slot(key.as_bytes()), server, "slot of {key:?}");
    }

    // At start-up: loaded on every primary, then unchanged.
    let (loads, _sub) = record_loads();
    let outcomes = counters::LIBRARY.load_cluster(&mut con).unwrap();
    assert_eq!(outcomes.len(), 3);
    assert!(outcomes.iter().all(|(_, o)| *o == LoadOutcome::Loaded), "{outcomes:?}");
    let outcomes = counters::LIBRARY.load_cluster(&mut con).unwrap();
    assert!(outcomes.iter().all(|(_, o)| *o == LoadOutcome::Unchanged), "{outcomes:?}");
    loads.lock().unwrap().clear();

    // Each call runs on the primary of its key.
    for key in &keys {
        assert_eq!(counters::bump(key.as_str(), 1).call_cluster(&mut con).unwrap(), 1);
    }
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(get_int(&mut node_con(&cluster.nodes()[i]), key), 1, "{key} lives on node {i}");
    }

    // FUNCTION FLUSH on one primary between calls.
    let victim = &cluster.nodes()[1];
    redis::cmd("FUNCTION").arg("FLUSH").exec(&mut node_con(victim)).unwrap();
    for key in &keys {
        assert_eq!(counters::bump(key.as_str(), 1).call_cluster(&mut con).unwrap(), 2, "{key}");
    }
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(get_int(&mut node_con(&cluster.nodes()[i]), key), 2, "every call ran once ({key})");
    }
    let victim_addr = format!("127.0.0.1:{}", victim.port().unwrap());
    assert_eq!(
        *loads.lock().unwrap(),
        vec![(Some(victim_addr.clone()), LibraryStatus::Missing, Trigger::Recovery)],
        "only the primary that lost it was loaded"
    );
    assert_eq!(counters::LIBRARY.status(&mut node_con(victim)).unwrap(), LibraryStatus::Current);

    // Read-only functions and scripts, routed the same way, also recover.
    redis::cmd("FUNCTION").arg("FLUSH").exec(&mut node_con(&cluster.nodes()[2])).unwrap();
    assert_eq!(counters::read(keys[2].as_str()).call_cluster(&mut con).unwrap(), 2);
    for _ in 0..2 {
        for key in &keys {
            rt_bump_script(key.as_str(), 10).call_cluster(&mut con).unwrap();
        }
        redis::cmd("SCRIPT").arg("FLUSH").exec(&mut node_con(&cluster.nodes()[0])).unwrap();
    }
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(get_int(&mut node_con(&cluster.nodes()[i]), key), 22, "{key}");
    }

    // Keys in different slots: refused on the client, nothing sent.
    let before = fcalls_everywhere(&cluster);
    let r = counters::bump_two(keys[0].as_str(), keys[1].as_str(), 1).call_cluster(&mut con);
    match &r {
        Err(Error::CrossSlot { keys: listed, message }) => {
            assert_eq!(listed.len(), 2);
            assert!(message.contains(&keys[0]) && message.contains(&keys[1]), "{message}");
        }
        other => panic!("expected CrossSlot, got {other:?}"),
    }
    assert!(r.unwrap_err().did_not_run());
    let r = rt_bump_script("a", 1).call_cluster(&mut con).map(|_| ());
    assert!(r.is_ok(), "one key is always one slot: {r:?}");
    assert_eq!(fcalls_everywhere(&cluster), before, "no FCALL reached any node");
    // Same slot through a common hash tag: runs.
    assert_eq!(counters::bump_two("x:{same}", "y:{same}", 1).call_cluster(&mut con).unwrap(), 1);

    // The generic `call` sends it: the server's CROSSSLOT is typed too.
    let r = counters::bump_two(keys[0].as_str(), keys[1].as_str(), 1).call(&mut con);
    assert!(matches!(r, Err(Error::CrossSlot { ref keys, .. }) if keys.is_empty()), "{r:?}");

    // Another version on one primary: replaced there, and reported with its stamp.
    let foreign = "#!lua name=rt_counters\nredis.register_function('bump', function(keys, args) return 0 end)\n";
    redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(foreign).exec(&mut node_con(&cluster.nodes()[2])).unwrap();
    loads.lock().unwrap().clear();
    let outcomes = counters::LIBRARY.load_cluster(&mut con).unwrap();
    let node2 = format!("127.0.0.1:{}", cluster.nodes()[2].port().unwrap());
    for (node, outcome) in &outcomes {
        let expected = if *node == node2 { LoadOutcome::Replaced } else { LoadOutcome::Unchanged };
        assert_eq!(*outcome, expected, "{node}");
    }
    assert_eq!(
        *loads.lock().unwrap(),
        vec![(Some(node2), LibraryStatus::Other { stamp: redlua::stamp_of(foreign.as_bytes()) }, Trigger::Load)]
    );
}

#[tokio::test]
async fn async_cluster_calls_recover_when_one_primary_lost_the_library() {
    let cluster = cluster();
    let mut con = cluster.client().unwrap().get_async_connection().await.unwrap();
    let keys = key_per_node(&cluster);

    // First use loads on demand, on the primaries that are called.
    for key in &keys {
        assert_eq!(counters::bump(key.as_str(), 1).call_cluster_async(&mut con).await.unwrap(), 1);
    }
    for round in 2..=4 {
        let victim = &cluster.nodes()[round % 3];
        redis::cmd("FUNCTION").arg("FLUSH").exec(&mut node_con(victim)).unwrap();
        redis::cmd("SCRIPT").arg("FLUSH").exec(&mut node_con(victim)).unwrap();
        for key in &keys {
            assert_eq!(counters::bump(key.as_str(), 1).call_cluster_async(&mut con).await.unwrap(), round as i64);
            rt_bump_script(format!("{key}:s").as_str(), 1).call_cluster_async(&mut con).await.unwrap();
        }
    }
    for (i, key) in keys.iter().enumerate() {
        let mut node = node_con(&cluster.nodes()[i]);
        assert_eq!(get_int(&mut node, key), 4, "every call ran once ({key})");
        assert_eq!(get_int(&mut node, &format!("{key}:s")), 3, "every script ran once ({key})");
    }
    let outcomes = counters::LIBRARY.load_cluster_async(&mut con).await.unwrap();
    assert!(outcomes.iter().all(|(_, o)| *o == LoadOutcome::Unchanged), "{outcomes:?}");

    let before = fcalls_everywhere(&cluster);
    let r = counters::bump_two(keys[0].as_str(), keys[2].as_str(), 1).call_cluster_async(&mut con).await;
    assert!(matches!(r, Err(Error::CrossSlot { .. })), "{r:?}");
    assert_eq!(fcalls_everywhere(&cluster), before, "no round trip");
}
