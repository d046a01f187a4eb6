//! Async calls on tokio over `aio::MultiplexedConnection` and `aio::ConnectionManager`:
//! the same recovery as sync calls (load on "Function not found"/NOSCRIPT, send once
//! more, never twice), checked by counters on the server.

#[path = "runtime_support.rs"]
mod support;

use redis::aio::{ConnectionManager, MultiplexedConnection};
use redlua::{Error, LibraryStatus, LoadOutcome};
use support::counters;
use support::scripts::rt_bump_script;
use support::*;

async fn multiplexed(server: &redlua::testing::TestServer) -> MultiplexedConnection {
    server.client().unwrap().get_multiplexed_async_connection().await.unwrap()
}

#[tokio::test]
async fn calls_over_a_multiplexed_connection_load_on_first_use_and_after_flushes() {
    let (server, mut con) = server();
    let mut acon = multiplexed(&server).await;
    assert_eq!(counters::LIBRARY.status_async(&mut acon).await.unwrap(), LibraryStatus::Missing);
    for i in 1..=6 {
        if i % 2 == 0 {
            flush_code(&mut con);
        }
        assert_eq!(counters::bump("c:lib", 1).call_async(&mut acon).await.unwrap(), i);
        assert_eq!(rt_bump_script("c:script", 1).call_async(&mut acon).await.unwrap(), i);
        assert_eq!(counters::read("c:lib").call_async(&mut acon).await.unwrap(), i);
    }
    assert_eq!(get_int(&mut con, "c:lib"), 6);
    assert_eq!(get_int(&mut con, "c:script"), 6);
    let r = counters::bump_positive("c:lib", -1).call_async(&mut acon).await;
    assert!(matches!(r, Err(Error::Rejected { .. })), "{r:?}");
    assert_eq!(counters::LIBRARY.load_async(&mut acon).await.unwrap(), LoadOutcome::Unchanged);
    flush_code(&mut con);
    assert_eq!(counters::LIBRARY.load_async(&mut acon).await.unwrap(), LoadOutcome::Loaded);
    rt_bump_script::SCRIPT.load_async(&mut acon).await.unwrap();
    assert!(rt_bump_script::SCRIPT.exists(&mut con).unwrap());
}

#[tokio::test]
async fn concurrent_calls_with_flushes_run_each_call_exactly_once() {
    let (server, mut con) = server();
    let acon = multiplexed(&server).await;
    let rounds = 8;
    let per_round = 25;
    for _ in 0..rounds {
        flush_code(&mut con);
        let tasks: Vec<_> = (0..per_round)
            .map(|i| {
                let mut c = acon.clone();
                tokio::spawn(async move {
                    if i % 2 == 0 {
                        counters::bump("c:lib", 1).call_async(&mut c).await.map(|_| ())
                    } else {
                        rt_bump_script("c:script", 1).call_async(&mut c).await.map(|_| ())
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
    }
    assert_eq!(get_int(&mut con, "c:lib"), rounds * 13);
    assert_eq!(get_int(&mut con, "c:script"), rounds * 12);
}

#[tokio::test]
async fn a_connection_manager_recovers_after_a_server_restart() {
    let (mut server, _con) = server();
    let mut manager = ConnectionManager::new(server.client().unwrap()).await.unwrap();
    assert_eq!(counters::bump("c:lib", 1).call_async(&mut manager).await.unwrap(), 1);
    server.restart().unwrap(); // an empty server: no data, no functions
    let mut ok = 0;
    for _ in 0..50 {
        match counters::bump("c:lib", 1).call_async(&mut manager).await {
            Ok(n) => {
                ok += 1;
                assert_eq!(n, ok, "each successful call ran once");
                if ok == 3 {
                    break;
                }
            }
            // The manager reconnects in the background; a call on the dead connection
            // fails as a connection error (and did not reach the new server).
            Err(Error::Connection(_)) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(ok, 3);
    let mut con = server.connection().unwrap();
    assert_eq!(get_int(&mut con, "c:lib"), 3);
    assert_eq!(counters::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Current);
}

/// Every async method's future is `Send` over a `Send` connection, so it can be spawned
/// on a multi-threaded runtime: this function compiles only if they are (it is never
/// called).
#[allow(dead_code)]
fn async_futures_are_send<C: redis::aio::ConnectionLike + Send>(
    con: &mut C,
    cluster: &mut redis::cluster_async::ClusterConnection,
    pipe: &redlua::Pipeline,
) {
    fn send<F: Send>(_: F) {}
    send(counters::bump("k", 1).call_async(&mut *con));
    send(rt_bump_script("k", 1).call_async(&mut *con));
    send(counters::LIBRARY.load_async(&mut *con));
    send(counters::LIBRARY.status_async(&mut *con));
    send(rt_bump_script::SCRIPT.load_async(&mut *con));
    send(pipe.query_async(&mut *con));
    send(redlua::functions::aio::list(&mut *con));
    send(redlua::functions::aio::delete(&mut *con, "x"));
    send(counters::bump("k", 1).call_cluster_async(&mut *cluster));
    send(rt_bump_script("k", 1).call_cluster_async(&mut *cluster));
    send(counters::LIBRARY.load_cluster_async(&mut *cluster));
    send(pipe.query_cluster_async(&mut *cluster));
    send(redlua::functions::cluster::list_async(&mut *cluster));
}
