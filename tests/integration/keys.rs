//! Derived keys, keys built at run time (`dynamic_keys`) and the function flags, on a
//! real server, compared with the native twins.

use redlua::prelude::*;
use redlua::testing::TestServer;

#[redlua::library(name = "queues")]
pub mod queues {
    use redlua::prelude::*;

    /// Moves a job from `<queue>:wait` to `<queue>:active`, as queue libraries do with
    /// prefix keys: the derived keys share the base key's hash tag.
    #[redis_function]
    pub fn activate(queue: Key) -> Option<String> {
        let job = rpop(&queue.derive(":wait"))?;
        lpush(&queue.derive(":active"), &job);
        incr(&queue.derive(":moved"));
        Some(job)
    }

    /// A key built from an argument: allowed only with `dynamic_keys`, which registers
    /// the function `no-cluster`.
    #[redis_function(dynamic_keys)]
    pub fn visits(user_id: String) -> i64 {
        incr(&Key::new(format!("user:{user_id}:visits")))
    }

    /// Flags pass through to the server.
    #[redis_function(read_only, allow_stale)]
    pub fn peek(queue: Key) -> i64 {
        llen(&queue.derive(":wait"))
    }

    #[redis_function(allow_oom, allow_cross_slot_keys)]
    pub fn copy_counter(from: Key, to: Key) -> i64 {
        let n = get::<i64>(&from).unwrap_or(0);
        set(&to, n);
        n
    }
}

#[test]
fn derived_and_dynamic_keys_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for ns in ["lua", "rust"] {
        redis::cmd("RPUSH").arg(format!("{ns}:{{q}}:wait")).arg("a").arg("b").arg("c").exec(&mut con).unwrap();
    }
    for _ in 0..4 {
        let lua = queues::activate("lua:{q}").call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || queues::twin::activate(Key::from("rust:{q}")));
        assert_eq!(lua, rust);
    }
    for ns in ["lua", "rust"] {
        let active: Vec<String> = redis::cmd("LRANGE").arg(format!("{ns}:{{q}}:active")).arg(0).arg(-1).query(&mut con).unwrap();
        assert_eq!(active, ["a", "b", "c"], "{ns}");
        let moved: i64 = redis::cmd("GET").arg(format!("{ns}:{{q}}:moved")).query(&mut con).unwrap();
        assert_eq!(moved, 3);
    }
    assert_eq!(queues::visits("42").call(&mut con).unwrap(), 1);
    assert_eq!(redlua::twin::run(&mut con, || queues::twin::visits("42".into())), 2);
    assert_eq!(queues::peek("lua:{q}").call(&mut con).unwrap(), 0);
    redis::cmd("SET").arg("n1").arg(7).exec(&mut con).unwrap();
    assert_eq!(queues::copy_counter("n1", "n2").call(&mut con).unwrap(), 7);
}

#[test]
fn flags_are_registered_with_the_server() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    queues::LIBRARY.load(&mut con).unwrap();
    let flags = |name: &str| -> Vec<String> {
        let info = queues::LIBRARY.functions().iter().find(|f| f.name() == name).unwrap();
        info.flags().iter().map(|s| s.to_string()).collect()
    };
    assert_eq!(flags("visits"), ["no-cluster"]);
    assert_eq!(flags("peek"), ["no-writes", "allow-stale"]);
    assert_eq!(flags("copy_counter"), ["allow-oom", "allow-cross-slot-keys"]);
    assert!(flags("activate").is_empty());
    // The server has the same flags.
    let listed: redis::Value = redis::cmd("FUNCTION").arg("LIST").arg("LIBRARYNAME").arg("queues").query(&mut con).unwrap();
    let text = format!("{listed:?}");
    for f in ["no-cluster", "no-writes", "allow-stale", "allow-oom", "allow-cross-slot-keys"] {
        assert!(text.contains(f), "{f} missing in {text}");
    }
}

/// Keys derived in helpers: the same rule as in a body (the base key needs a hash tag in a
/// cluster), through helpers calling helpers.
#[redlua::library(name = "helper_queues")]
pub mod helper_queues {
    use redlua::prelude::*;

    fn waiting(queue: &Key) -> Key {
        queue.derive(":wait")
    }

    fn enqueue(queue: &Key, job: &str) -> i64 {
        lpush(&waiting(queue), job)
    }

    /// Counts in `stats` (a plain key) and enqueues in `<queue>:wait`, two helpers deep.
    #[redis_function]
    pub fn submit(stats: Key, queue: Key, job: String) -> i64 {
        incr(&stats);
        enqueue(&queue, &job)
    }
}

#[test]
fn keys_derived_in_helpers_need_a_hash_tag_on_their_base() {
    let f = helper_queues::LIBRARY.function("submit").expect("submit is in the library");
    assert_eq!(f.derived_from(), [2], "KEYS[2] has keys derived from it, in a helper's helper");
    // What `call_cluster` checks before sending anything: the base key needs a tag.
    assert!(redlua::cluster::check_derived(&["stats", "jobs:{mail}"], f.derived_from()).is_ok());
    assert!(matches!(redlua::cluster::check_derived(&["stats", "jobs:mail"], f.derived_from()), Err(redlua::Error::CrossSlot { .. })));
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    assert_eq!(helper_queues::submit("lua:stats", "lua:{q}", "a").call(&mut con).unwrap(), 1);
    assert_eq!(redlua::twin::run(&mut con, || helper_queues::twin::submit(Key::from("rust:stats"), Key::from("rust:{q}"), "a".into())), 1);
    for ns in ["lua", "rust"] {
        let wait: Vec<String> = redis::cmd("LRANGE").arg(format!("{ns}:{{q}}:wait")).arg(0).arg(-1).query(&mut con).unwrap();
        assert_eq!(wait, ["a"], "{ns}");
    }
}
