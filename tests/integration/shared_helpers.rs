//! Two libraries of one crate sharing the helpers of one file (`helpers = ".."`):
//! each runs as Lua on a real server and as its native twin, which calls the real
//! Rust functions of the shared module, and the two must agree.

use redlua::prelude::*;
use redlua::testing::TestServer;

// ANCHOR: shared
#[path = "shared/ttl.rs"]
pub mod ttl;

#[redlua::library(name = "shared_limits", helpers = "integration/shared/ttl.rs")]
pub mod limits {
    use crate::ttl::{bump, clamp_ttl};
    use redlua::prelude::*;

    /// Counts a hit and says whether it is within `limit`, with the window clamped.
    #[redis_function]
    pub fn hit(counter: Key, limit: i64, window: i64) -> (bool, i64) {
        let n = bump(&counter, 1, window);
        (n <= limit, clamp_ttl(window, 3600))
    }
}
// ANCHOR_END: shared

#[redlua::library(name = "shared_cache", helpers = "integration/shared/ttl.rs")]
pub mod cache {
    use super::ttl::*;
    use redlua::prelude::*;

    /// Stores `value` with a clamped time to live; the time to live used.
    #[redis_function]
    pub fn put(k: Key, value: String, ttl: i64) -> i64 {
        let t = clamp_ttl(ttl, 600);
        set(&k, &value);
        expire(&k, t);
        t
    }

    /// A counter bumped by `by` through the shared helper.
    #[redis_function]
    pub fn add(k: Key, by: i64) -> i64 {
        bump(&k, by, 10_000)
    }
}

struct Rng(u64);
impl Rng {
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        lo + (self.0 % (hi - lo + 1) as u64) as i64
    }
}

fn ttl_of(con: &mut redis::Connection, k: &str) -> i64 {
    redis::cmd("TTL").arg(k).query(con).unwrap()
}

#[test]
fn two_libraries_share_the_helpers_of_one_file() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let mut rng = Rng(0x5eed);
    for _ in 0..300 {
        let (limit, window) = (rng.range(0, 5), rng.range(-10, 5000));
        let lua = limits::hit("lua:hits", limit, window).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || limits::twin::hit(Key::from("rust:hits"), limit, window));
        assert_eq!(lua, rust, "hit({limit}, {window})");
        assert_eq!(ttl_of(&mut con, "lua:hits"), ttl_of(&mut con, "rust:hits"), "hit({limit}, {window}) ttl");

        let ttl = rng.range(-5, 2000);
        let value = format!("v{}", rng.range(0, 99));
        let lua = cache::put("lua:v", &value, ttl).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || cache::twin::put(Key::from("rust:v"), value.clone(), ttl));
        assert_eq!(lua, rust, "put({ttl})");
        assert_eq!(ttl_of(&mut con, "lua:v"), ttl_of(&mut con, "rust:v"), "put({ttl}) ttl");

        let by = rng.range(-100, 100);
        let lua = cache::add("lua:n", by).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || cache::twin::add(Key::from("rust:n"), by));
        assert_eq!(lua, rust, "add({by})");
    }
    let (a, b): (String, String) = (redis::cmd("GET").arg("lua:v").query(&mut con).unwrap(), redis::cmd("GET").arg("rust:v").query(&mut con).unwrap());
    assert_eq!(a, b);
}

#[test]
fn only_the_helpers_a_library_calls_are_emitted() {
    let (limits, cache) = (limits::LIBRARY.code(), cache::LIBRARY.code());
    assert!(limits.contains("h_clamp_ttl") && limits.contains("h_bump"), "{limits}");
    assert!(cache.contains("h_clamp_ttl") && cache.contains("h_bump"), "{cache}");
    assert!(!limits.contains("unused_label") && !cache.contains("unused_label"));
}
