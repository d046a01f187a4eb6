//! Async transfers on tokio: through a `ConnectionManager` to one server, and through an
//! async cluster connection to a local 3-primary Redis Cluster.
//!
//! Run it with `cargo run -p redlua-examples --example async_transfers`. It starts a
//! throwaway `redis-server` (or uses `REDIS_URL`) and a throwaway 3-primary cluster.

use redlua::testing::{TestCluster, TestServer};
use redlua_examples::transfer::bank;
use std::error::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    one_server().await?;
    cluster().await?;
    Ok(())
}

// ANCHOR: manager
async fn one_server() -> Result<(), Box<dyn Error>> {
    let server = TestServer::from_env()?;
    println!("redis server: {}", server.url());
    let mut con = redis::aio::ConnectionManager::new(server.client()?).await?;
    redis::cmd("SET").arg("acct:{alice}").arg(100).exec_async(&mut con).await?;

    // Ten transfers at once, each on its own task; the manager is cheap to clone.
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let mut con = con.clone();
            tokio::spawn(async move { bank::transfer("acct:{alice}", "acct:{bob}", 15).call_async(&mut con).await })
        })
        .collect();
    let mut moved = 0;
    for task in tasks {
        if task.await?? {
            moved += 1;
        }
    }
    let alice: i64 = bank::balance("acct:{alice}").call_async(&mut con).await?; // FCALL_RO
    let bob: i64 = bank::balance("acct:{bob}").call_async(&mut con).await?;
    println!("{moved} of 10 transfers of 15 moved; alice {alice}, bob {bob}");
    assert_eq!((moved, alice, bob), (6, 10, 90), "each transfer ran once, atomically");

    // The server loses its functions: the next call loads the library and runs once.
    redis::cmd("FUNCTION").arg("FLUSH").exec_async(&mut con).await?;
    let back: bool = bank::transfer("acct:{bob}", "acct:{alice}", 5).call_async(&mut con).await?;
    println!("after FUNCTION FLUSH: transfer back -> {back}");
    assert!(back);

    // Several calls in one round trip, atomically.
    let mut pipe = redlua::Pipeline::new();
    pipe.atomic();
    let t = pipe.add(bank::transfer("acct:{bob}", "acct:{alice}", 10));
    let a = pipe.add(bank::balance("acct:{alice}"));
    let replies = pipe.query_async(&mut con).await?;
    println!("in a transaction: transfer -> {}, alice {}", replies.get(t)?, replies.get(a)?);
    assert_eq!((replies.get(t)?, replies.get(a)?), (true, 25));
    Ok(())
}
// ANCHOR_END: manager

// ANCHOR: cluster
async fn cluster() -> Result<(), Box<dyn Error>> {
    let cluster = TestCluster::start(3)?;
    println!("cluster: {}", cluster.urls().join(" "));
    // retries(0): redis-rs would otherwise re-send a call after a connection error, and a
    // transfer must never run twice (see the chapter on errors).
    let client = redis::cluster::ClusterClient::builder(cluster.urls()).retries(0).build()?;
    let mut con = client.get_async_connection().await?;

    // Both accounts share the hash tag {alice}: one slot, so one call can touch both.
    let (main, savings) = ("acct:{alice}:main", "acct:{alice}:savings");
    redis::cmd("SET").arg(main).arg(50).exec_async(&mut con).await?;
    let moved: bool = bank::transfer(main, savings, 20).call_cluster_async(&mut con).await?;
    let left: i64 = bank::balance(main).call_cluster_async(&mut con).await?;
    println!("cluster transfer -> {moved}, main {left}");
    assert_eq!((moved, left), (true, 30));

    // Keys in different slots are refused before anything is sent.
    match bank::transfer("acct:{alice}:main", "acct:{bob}:main", 1).call_cluster_async(&mut con).await {
        Err(redlua::Error::CrossSlot { message, .. }) => println!("refused: {message}"),
        other => return Err(format!("expected CrossSlot, got {other:?}").into()),
    }

    // One primary loses the library: the call loads it there and runs once.
    let mut node = cluster.node_for_key(main.as_bytes()).connection()?;
    redis::cmd("FUNCTION").arg("FLUSH").exec(&mut node)?;
    let moved: bool = bank::transfer(savings, main, 20).call_cluster_async(&mut con).await?;
    let left: i64 = bank::balance(main).call_cluster_async(&mut con).await?;
    println!("after FUNCTION FLUSH on {}: transfer back -> {moved}, main {left}", cluster.node_for_key(main.as_bytes()).url());
    assert_eq!((moved, left), (true, 50));

    // A pipeline through the cluster connection: one batch per slot, each to its primary.
    let mut pipe = redlua::Pipeline::new();
    let alice = pipe.add(bank::transfer(main, savings, 5));
    let bob = pipe.add(bank::transfer("acct:{bob}:main", "acct:{bob}:savings", 5));
    let replies = pipe.query_cluster_async(&mut con).await?;
    println!("pipelined over two slots -> alice {}, bob {}", replies.get(alice)?, replies.get(bob)?);
    assert_eq!((replies.get(alice)?, replies.get(bob)?), (true, false), "bob's main account is empty");
    Ok(())
}
// ANCHOR_END: cluster
