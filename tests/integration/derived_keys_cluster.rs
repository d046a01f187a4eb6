//! Keys derived from a key parameter (`key.derive(..)`) on a real 3-primary cluster:
//! with a hash tag on the base key they land in its slot; without one the call is
//! refused with `Error::CrossSlot` before anything is sent.

use redlua::prelude::*;
use redlua::testing::TestCluster;

#[redlua::library(name = "derived")]
pub mod derived {
    use redlua::prelude::*;

    /// Counts into `<base>:hits` and `<base>:total`.
    #[redis_function]
    pub fn bump(base: Key, by: i64) -> i64 {
        incr_by(&base.derive(":total"), by);
        incr(&base.derive(":hits"))
    }
}

#[test]
fn derived_keys_need_a_hash_tag_in_a_cluster() {
    let cluster = TestCluster::start(3).unwrap_or_else(|e| panic!("cannot start a 3-primary cluster: {e}"));
    let mut con = cluster.client().unwrap().get_connection().unwrap();
    assert_eq!(derived::LIBRARY.functions()[0].derived_from(), [1]);
    for i in 1..=3 {
        assert_eq!(derived::bump("{user:7}", 10).call_cluster(&mut con).unwrap(), i);
    }
    let total: i64 = redis::cmd("GET").arg("{user:7}:total").query(&mut con).unwrap();
    assert_eq!(total, 30);
    let fcalls_before: String = redis::cmd("INFO").arg("commandstats").query(&mut cluster.nodes()[0].connection().unwrap()).unwrap();
    match derived::bump("user:8", 1).call_cluster(&mut con) {
        Err(redlua::Error::CrossSlot { message, keys }) => {
            assert!(message.contains("hash tag"), "{message}");
            assert_eq!(keys[0].0, b"user:8");
        }
        other => panic!("expected CrossSlot, got {other:?}"),
    }
    let exists: i64 = redis::cmd("EXISTS").arg("user:8:hits").query(&mut con).unwrap();
    assert_eq!(exists, 0, "nothing ran");
    let fcalls_after: String = redis::cmd("INFO").arg("commandstats").query(&mut cluster.nodes()[0].connection().unwrap()).unwrap();
    let fcall_line = |s: &str| s.lines().find(|l| l.starts_with("cmdstat_fcall:")).map(str::to_string);
    assert_eq!(fcall_line(&fcalls_before), fcall_line(&fcalls_after), "no FCALL reached the first node");
    // Outside a cluster no tag is needed: one node holds every key.
    let server = redlua::testing::TestServer::start().unwrap();
    let mut single = server.connection().unwrap();
    assert_eq!(derived::bump("user:8", 1).call(&mut single).unwrap(), 1);
    let _ = redlua::twin::run(&mut single, || derived::twin::bump(Key::from("twin:8"), 2));
}
