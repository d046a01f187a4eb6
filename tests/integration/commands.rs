//! The typed command surface: every command of the compiler's table called from a
//! redis function, run as generated Lua and as the native twin on two key namespaces
//! (`lua:` and `rust:`) of one server. Replies and the data left behind must agree.

// Reply types are spelled out on purpose: they are what is being checked.
#![allow(clippy::type_complexity)]

use redlua::prelude::*;
use redlua::testing::TestServer;
use redlua::twin::{run, try_run};
use redis::Connection;

/// A key of the twin's namespace.
fn k(name: &str) -> Key {
    Key::from(format!("rust:{name}"))
}

/// A key name of the Lua namespace.
fn l(name: &str) -> String {
    format!("lua:{name}")
}

/// Everything stored under `prefix`, read back with plain commands: name (without the
/// prefix), type, content, and whether the key has a time to live.
fn snapshot(con: &mut Connection, prefix: &str) -> Vec<(String, String, String, bool)> {
    let mut names: Vec<String> = redis::cmd("KEYS").arg(format!("{prefix}*")).query(con).unwrap();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let ty: String = redis::cmd("TYPE").arg(&name).query(con).unwrap();
        let content = match ty.as_str() {
            "string" => {
                let v: Vec<u8> = redis::cmd("GET").arg(&name).query(con).unwrap();
                format!("{:?}", String::from_utf8_lossy(&v))
            }
            "list" => {
                let v: Vec<String> = redis::cmd("LRANGE").arg(&name).arg(0).arg(-1).query(con).unwrap();
                format!("{v:?}")
            }
            "set" => {
                let mut v: Vec<String> = redis::cmd("SMEMBERS").arg(&name).query(con).unwrap();
                v.sort();
                format!("{v:?}")
            }
            "zset" => {
                let v: Vec<String> = redis::cmd("ZRANGE").arg(&name).arg(0).arg(-1).arg("WITHSCORES").query(con).unwrap();
                format!("{v:?}")
            }
            "hash" => {
                let mut v: Vec<(String, String)> = redis::cmd("HGETALL").arg(&name).query(con).unwrap();
                v.sort();
                format!("{v:?}")
            }
            "stream" => {
                let v: redis::Value = redis::cmd("XRANGE").arg(&name).arg("-").arg("+").query(con).unwrap();
                format!("{v:?}")
            }
            other => panic!("unexpected type {other} of {name}"),
        };
        let pttl: i64 = redis::cmd("PTTL").arg(&name).query(con).unwrap();
        out.push((name[prefix.len()..].to_string(), ty, content, pttl >= 0));
    }
    out
}

/// Both namespaces hold the same data.
fn same_data(con: &mut Connection) -> Vec<(String, String, String, bool)> {
    let lua = snapshot(con, "lua:");
    let rust = snapshot(con, "rust:");
    assert_eq!(lua, rust, "the Lua and the twin leave the same data");
    lua
}

fn fresh() -> (TestServer, Connection) {
    let server = TestServer::start().expect("redis-server must be installed");
    let con = server.connection().unwrap();
    (server, con)
}

// ---------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------

#[redlua::library(name = "cmd_strings")]
pub mod strings {
    use redlua::prelude::*;

    /// Reads of a key that does not exist, then plain SET/GET with the three read types.
    #[redis_function]
    pub fn reads(a: Key, b: Key, c: Key, missing: Key, text: String, x: f64) -> (
        (Option<String>, Option<i64>, Option<f64>, Option<String>, Option<String>, i64),
        (Option<String>, Option<f64>, Option<String>, Option<i64>, Option<f64>),
    ) {
        let absent = (
            get::<String>(&missing),
            get::<i64>(&missing),
            get::<f64>(&missing),
            getdel(&missing),
            getex(&missing, GetExOptions::new().ex(10)),
            strlen(&missing),
        );
        set(&a, &text);
        set(&b, x);
        set(&c, -42);
        let present = (get::<String>(&a), get::<f64>(&b), get::<String>(&b), get::<i64>(&c), get::<f64>(&c));
        (absent, present)
    }

    /// SET with options, SET .. GET, SETNX, GETSET, GETDEL, GETEX.
    #[redis_function]
    pub fn conditional(a: Key, b: Key, c: Key, d: Key, e: Key) -> (
        (bool, bool, bool, bool, bool, bool, bool),
        (Option<String>, Option<String>, Option<String>, Option<String>),
        (bool, bool, Option<String>, Option<String>, Option<String>),
        (Option<String>, Option<String>, Option<String>, Option<String>),
    ) {
        set(&a, "v");
        let with = (
            set_with(&a, "x", SetOptions::new().nx()),
            // Called as ex().xx(): sent as `XX EX 100`.
            set_with(&a, "y", SetOptions::new().ex(100).xx()),
            set_with(&b, "z", SetOptions::new().xx()),
            set_with(&b, "z", SetOptions::new().px(100000).nx()),
            set_with(&a, "w", SetOptions::new().keep_ttl()),
            set_with(&c, "t", SetOptions::new().exat(4102444800)),
            set_with(&c, "t2", SetOptions::new().xx().pxat(4102444800000)),
        );
        let get_back = (
            set_get(&a, "after", SetOptions::new()),
            set_get(&d, "new", SetOptions::new().nx()),
            // NX with GET on an existing key: the old value, and nothing is written.
            set_get(&d, "newer", SetOptions::new().nx()),
            set_get(&c, "kept", SetOptions::new().keep_ttl().xx()),
        );
        let swaps = (
            setnx(&d, "x"),
            setnx(&e, "x"),
            getset(&e, 5),
            getdel(&e),
            getset(&e, 1.5),
        );
        let expiring = (
            getex(&a, GetExOptions::new().px(50000)),
            getex(&a, GetExOptions::new().persist()),
            getex(&d, GetExOptions::new().exat(4102444800)),
            getex(&c, GetExOptions::new().pxat(4102444800000)),
        );
        (with, get_back, swaps, expiring)
    }

    /// MSET and MGET with one key, an array of keys (with a missing one: a hole), and
    /// the remaining KEYS as a `Vec<Key>`.
    #[redis_function]
    pub fn multi(a: Key, b: Key, missing: Key, rest: Vec<Key>) -> (Vec<Option<String>>, Vec<Option<String>>, Vec<Option<String>>, Vec<Option<String>>) {
        mset(&[(&a, "1"), (&b, "two")]);
        let holes = mget(&[&a, &missing, &b, &missing]);
        let one = mget(&a);
        mset(&[(&b, 0.1), (&missing, 1e20)]);
        let floats = mget(&[&b, &missing]);
        let spread = mget(&rest);
        (holes, one, floats, spread)
    }

    /// Counters: INCR, INCRBY, DECR, DECRBY, INCRBYFLOAT, APPEND, STRLEN.
    #[redis_function]
    pub fn counters(n: Key, f: Key, s: Key, step: f64) -> (i64, i64, i64, i64, f64, f64, f64, i64, i64, i64) {
        (
            incr(&n),
            incr_by(&n, 10),
            decr(&n),
            decr_by(&n, 20),
            incr_by_float(&f, step),
            incr_by_float(&f, 0.2),
            incr_by_float(&f, -1e3),
            append(&s, "ab"),
            append(&s, 5),
            strlen(&s),
        )
    }

    /// INCR past 2^53 - 1: Lua cannot hold the result exactly.
    #[redis_function]
    pub fn bump(n: Key) -> i64 {
        incr(&n)
    }

    /// A stored value that is not a number, read as one.
    #[redis_function(read_only)]
    pub fn read_int(n: Key) -> Option<i64> {
        get::<i64>(&n)
    }
}

#[test]
fn string_commands_agree_with_their_twins() {
    let (_server, mut con) = fresh();
    for (text, x) in [("hello", 0.1), ("", 1e20), ("é ß", -0.0), ("42", 5e-324), ("x", 2.5)] {
        let lua = strings::reads(l("a"), l("b"), l("c"), l("missing"), text, x).call(&mut con).unwrap();
        let rust = run(&mut con, || strings::twin::reads(k("a"), k("b"), k("c"), k("missing"), text.to_string(), x));
        assert_eq!(format!("{lua:?}"), format!("{rust:?}"), "reads({text:?}, {x:?})");
        // Missing: None everywhere, not false (which would come back as an error or "").
        assert_eq!(lua.0, (None, None, None, None, None, 0));
        let (s, f, raw, n, nf): (Option<String>, Option<f64>, Option<String>, Option<i64>, Option<f64>) = lua.1;
        assert_eq!(s.as_deref(), Some(text));
        assert_eq!(f.map(f64::to_bits), Some(x.to_bits()), "{x:?} reads back exactly");
        assert_eq!(raw, Some(x.to_string()), "floats are stored as Rust prints them");
        assert_eq!((n, nf), (Some(-42), Some(-42.0)));
        same_data(&mut con);
    }

    let lua = strings::conditional(l("ca"), l("cb"), l("cc"), l("cd"), l("ce")).call(&mut con).unwrap();
    let rust = run(&mut con, || strings::twin::conditional(k("ca"), k("cb"), k("cc"), k("cd"), k("ce")));
    assert_eq!(lua, rust);
    assert_eq!(lua.0, (false, true, false, true, true, true, true));
    assert_eq!(lua.1, (Some("w".into()), None, Some("new".into()), Some("t2".into())));
    assert_eq!(lua.2, (false, true, Some("x".into()), Some("5".into()), None));
    assert_eq!(lua.3, (Some("after".into()), Some("after".into()), Some("new".into()), Some("kept".into())));
    let data = same_data(&mut con);
    let ttl_of = |name: &str| data.iter().find(|(n, ..)| n == name).map(|(.., ttl)| *ttl);
    assert_eq!(ttl_of("ca"), Some(false), "GETEX PERSIST removed the time to live");
    assert_eq!(ttl_of("cb"), Some(true));
    assert_eq!(ttl_of("cc"), Some(true), "SET .. KEEPTTL XX GET kept it");
    assert_eq!(ttl_of("cd"), Some(true));
    assert_eq!(ttl_of("ce"), Some(false));
    let at: i64 = redis::cmd("EXPIRETIME").arg(l("cc")).query(&mut con).unwrap();
    assert_eq!(at, 4102444800);

    let rest = ["r1", "missing", "r2"];
    for name in ["r1", "r2"] {
        redis::cmd("SET").arg(l(name)).arg(name).exec(&mut con).unwrap();
        redis::cmd("SET").arg(k(name)).arg(name).exec(&mut con).unwrap();
    }
    let lua = strings::multi(l("ma"), l("mb"), l("mm"), rest.map(l)).call(&mut con).unwrap();
    let rust = run(&mut con, || strings::twin::multi(k("ma"), k("mb"), k("mm"), rest.map(k).to_vec()));
    assert_eq!(lua, rust);
    let holes: Vec<Option<String>> = lua.0;
    assert_eq!(holes, [Some("1".to_string()), None, Some("two".to_string()), None]);
    assert_eq!(lua.1, [Some("1".to_string())]);
    assert_eq!(lua.2, [Some("0.1".to_string()), Some("100000000000000000000".to_string())]);
    assert_eq!(lua.3, [Some("r1".to_string()), None, Some("r2".to_string())]);
    same_data(&mut con);

    for step in [0.1, 1e20, -0.5, 3.0] {
        let lua = strings::counters(l("n"), l("f"), l("s"), step).call(&mut con).unwrap();
        let rust = run(&mut con, || strings::twin::counters(k("n"), k("f"), k("s"), step));
        assert_eq!(format!("{lua:?}"), format!("{rust:?}"), "counters({step:?})");
        same_data(&mut con);
    }
    let lua = strings::counters(l("n2"), l("f2"), l("s2"), 0.1).call(&mut con).unwrap();
    let rust = run(&mut con, || strings::twin::counters(k("n2"), k("f2"), k("s2"), 0.1));
    assert_eq!(format!("{lua:?}"), format!("{rust:?}"));
    let (n1, n2, n3, n4, f1, _, _, s1, s2, s3) = lua;
    assert_eq!((n1, n2, n3, n4, f1, s1, s2, s3), (1, 11, 10, -10, 0.1, 2, 3, 3));
    same_data(&mut con);

    // Past 2^53 - 1 both refuse to go on (the INCR itself has run on both sides).
    for key in [l("big"), "rust:big".to_string()] {
        redis::cmd("SET").arg(key).arg(9_007_199_254_740_991i64).exec(&mut con).unwrap();
    }
    match strings::bump(l("big")).call(&mut con) {
        Err(redlua::Error::Script { message, .. }) => assert!(message.contains("integer overflow"), "{message}"),
        other => panic!("expected an overflow error, got {other:?}"),
    }
    let twin = try_run(&mut con, || strings::twin::bump(k("big")));
    assert!(twin.as_ref().is_err_and(|m| m.contains("integer overflow")), "{twin:?}");
    same_data(&mut con);

    // A value that is not an integer, read as one: an error on both sides.
    for key in [l("word"), "rust:word".to_string()] {
        redis::cmd("SET").arg(key).arg("12a").exec(&mut con).unwrap();
    }
    let lua = strings::read_int(l("word")).call(&mut con);
    assert!(matches!(&lua, Err(redlua::Error::Script { message, .. }) if message.contains("not an integer")), "{lua:?}");
    let twin = try_run(&mut con, || strings::twin::read_int(k("word")));
    assert!(twin.as_ref().is_err_and(|m| m.contains("not an integer")), "{twin:?}");
}

// ---------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------

#[redlua::library(name = "cmd_keys")]
pub mod keys {
    use redlua::prelude::*;

    /// EXISTS, DEL and UNLINK with one key, arrays of keys and a `Vec<Key>`.
    #[redis_function]
    pub fn deletes(a: Key, b: Key, c: Key, d: Key, missing: Key, rest: Vec<Key>) -> ((bool, bool, i64, i64), (i64, i64, i64, i64, i64, i64, i64)) {
        set(&a, 1);
        set(&b, 2);
        set(&c, 3);
        set(&d, 4);
        let found = (exists(&a), exists(&missing), exists_count(&[&a, &a, &missing, &b]), exists_count(&rest));
        let gone = (
            del(&a),
            del(&[&b, &missing]),
            unlink(&[&c]),
            unlink(&d),
            del(&missing),
            exists_count(&missing),
            del(rest),
        );
        (found, gone)
    }

    /// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT and PERSIST (replies, not the clock).
    #[redis_function]
    pub fn expiry(a: Key, b: Key, c: Key, missing: Key) -> (bool, bool, bool, bool, bool, bool, bool, bool, bool, bool) {
        set(&a, "v");
        set(&b, "w");
        set(&c, "gone soon");
        (
            expire(&a, 100),
            expire(&missing, 100),
            pexpire(&b, 100000),
            pexpire(&missing, 100000),
            persist(&a),
            persist(&a),
            expire_at(&a, 4102444800),
            pexpire_at(&b, 4102444800000),
            pexpire_at(&missing, 1),
            // A time in the past deletes the key.
            expire(&c, 0),
        )
    }

    /// TYPE of every kind of key, and of a missing one.
    #[redis_function]
    pub fn types(s: Key, l: Key, h: Key, z: Key, st: Key, set_key: Key, missing: Key) -> Vec<String> {
        set(&s, "x");
        rpush(&l, "x");
        hset(&h, "f", "x");
        zadd(&z, 1.0, "x");
        sadd(&set_key, "x");
        vec![key_type(&s), key_type(&l), key_type(&h), key_type(&z), key_type(&st), key_type(&set_key), key_type(&missing)]
    }

    /// DEL of the remaining KEYS, however many there are.
    #[redis_function]
    pub fn del_all(rest: Vec<Key>) -> i64 {
        del(&rest)
    }

    /// A command on a key of the wrong type.
    #[redis_function]
    pub fn wrong_type(s: Key) -> i64 {
        set(&s, "text");
        llen(&s)
    }

    /// GETEX without options reads the value and leaves the expiry alone.
    #[redis_function]
    pub fn getex_plain(s: Key) -> (Option<String>, Option<String>) {
        set_with(&s, "v", SetOptions::new().ex(100));
        (getex(&s, GetExOptions::new()), getex(&s.derive(":none"), GetExOptions::new()))
    }

    /// TTL and PTTL read the clock: `nondeterministic`.
    #[redis_function(nondeterministic)]
    pub fn ttls(a: Key, b: Key, missing: Key) -> (i64, i64, i64, i64, i64) {
        set(&a, "v");
        expire(&a, 100);
        set(&b, "p");
        (ttl(&a), pttl(&a), ttl(&b), ttl(&missing), pttl(&missing))
    }
}

/// `types` needs a stream, which only XADD (nondeterministic) makes.
#[redlua::library(name = "cmd_keys_stream")]
pub mod keys_stream {
    use redlua::prelude::*;

    #[redis_function(nondeterministic)]
    pub fn make(st: Key) -> String {
        xadd(&st, "1-1", &[("f", "v")])
    }
}

#[test]
fn key_commands_agree_with_their_twins() {
    let (_server, mut con) = fresh();
    let rest = ["r1", "r2", "missing"];
    for name in ["r1", "r2"] {
        redis::cmd("SET").arg(l(name)).arg(1).exec(&mut con).unwrap();
        redis::cmd("SET").arg(k(name)).arg(1).exec(&mut con).unwrap();
    }
    let lua = keys::deletes(l("a"), l("b"), l("c"), l("d"), l("missing"), rest.map(l)).call(&mut con).unwrap();
    let rust = run(&mut con, || keys::twin::deletes(k("a"), k("b"), k("c"), k("d"), k("missing"), rest.map(k).to_vec()));
    assert_eq!(lua, rust);
    assert_eq!(lua, ((true, false, 3, 2), (1, 1, 1, 1, 0, 0, 2)));
    assert_eq!(same_data(&mut con), []);

    let lua = keys::expiry(l("a"), l("b"), l("c"), l("missing")).call(&mut con).unwrap();
    let rust = run(&mut con, || keys::twin::expiry(k("a"), k("b"), k("c"), k("missing")));
    assert_eq!(lua, rust);
    assert_eq!(lua, (true, false, true, false, true, false, true, true, false, true));
    let data = same_data(&mut con);
    assert_eq!(data.iter().map(|(n, .., ttl)| (n.as_str(), *ttl)).collect::<Vec<_>>(), [("a", true), ("b", true)]);
    let at: i64 = redis::cmd("PEXPIRETIME").arg(l("b")).query(&mut con).unwrap();
    assert_eq!(at, 4102444800000);

    keys_stream::make(l("st")).call(&mut con).unwrap();
    run(&mut con, || keys_stream::twin::make(k("st")));
    let lua = keys::types(l("s"), l("l"), l("h"), l("z"), l("st"), l("set"), l("missing")).call(&mut con).unwrap();
    let rust = run(&mut con, || keys::twin::types(k("s"), k("l"), k("h"), k("z"), k("st"), k("set"), k("missing")));
    assert_eq!(lua, rust);
    assert_eq!(lua, ["string", "list", "hash", "zset", "stream", "set", "none"]);
    same_data(&mut con);

    let lua = keys::getex_plain(l("g")).call(&mut con).unwrap();
    let rust = run(&mut con, || keys::twin::getex_plain(k("g")));
    assert_eq!(lua, rust);
    assert_eq!(lua, (Some("v".to_string()), None));
    assert_eq!(same_data(&mut con).iter().find(|(n, ..)| n == "g").map(|(.., ttl)| *ttl), Some(true));

    let lua = keys::del_all(["g", "nope"].map(l)).call(&mut con).unwrap();
    let rust = run(&mut con, || keys::twin::del_all(["g", "nope"].map(k).to_vec()));
    assert_eq!((lua, rust), (1, 1));
    // No key at all: DEL without arguments is an error on both sides.
    let lua = keys::del_all(Vec::<String>::new()).call(&mut con);
    assert!(matches!(&lua, Err(redlua::Error::Script { message, .. }) if message.contains("number of arg")), "{lua:?}");
    let rust = try_run(&mut con, || keys::twin::del_all(Vec::new()));
    assert!(rust.as_ref().is_err_and(|m| m.contains("wrong number of arguments")), "{rust:?}");

    let lua = keys::wrong_type(l("wt")).call(&mut con);
    assert!(matches!(&lua, Err(e) if e.to_string().contains("WRONGTYPE")), "{lua:?}");
    let rust = try_run(&mut con, || keys::twin::wrong_type(k("wt")));
    assert!(rust.as_ref().is_err_and(|m| m.contains("WRONGTYPE")), "{rust:?}");
    same_data(&mut con);

    let lua = keys::ttls(l("t"), l("p"), l("missing")).call(&mut con).unwrap();
    let rust = run(&mut con, || keys::twin::ttls(k("t"), k("p"), k("missing")));
    for (ttl, pttl, persistent, missing, pmissing) in [lua, rust] {
        assert!((99..=100).contains(&ttl), "{ttl}");
        assert!((90_000..=100_000).contains(&pttl), "{pttl}");
        assert_eq!((persistent, missing, pmissing), (-1, -2, -2));
    }
    same_data(&mut con);
}

// ---------------------------------------------------------------------------------
// Hashes
// ---------------------------------------------------------------------------------

#[redlua::library(name = "cmd_hashes")]
pub mod hashes {
    use redlua::prelude::*;

    /// Every hash read on a key that does not exist.
    #[redis_function(read_only)]
    pub fn hash_absent(h: Key) -> (Option<String>, Option<i64>, Vec<(String, String)>, Vec<String>, Vec<String>, i64, Vec<Option<String>>, bool) {
        (hget::<String>(&h, "f"), hget::<i64>(&h, "f"), hgetall(&h), hkeys(&h), hvals(&h), hlen(&h), hmget(&h, &["a", "b"]), hexists(&h, "f"))
    }

    /// Writes: HSET, HSET with pairs (an array and a `Vec`), HSETNX, HINCRBY,
    /// HINCRBYFLOAT, HDEL.
    #[redis_function]
    pub fn writes(h: Key, x: f64, names: Vec<String>) -> ((i64, i64, i64, i64, i64), (bool, bool), (i64, i64, f64, f64), (i64, i64, i64)) {
        let mut pairs = Vec::new();
        for n in names.iter() {
            pairs.push((n.clone(), n.len() as i64));
        }
        let set_ = (
            hset(&h, "name", "redlua"),
            hset(&h, "name", "again"),
            hset_many(&h, &[("n", 7), ("m", 8)]),
            hset_many(&h, &[("x", x), ("y", 1e20)]),
            hset_many(&h, pairs),
        );
        let nx = (hsetnx(&h, "name", "x"), hsetnx(&h, "fresh", 1));
        let incr = (hincr_by(&h, "n", 5), hincr_by(&h, "new_counter", -3), hincr_by_float(&h, "x", 0.2), hincr_by_float(&h, "new_float", x));
        let dels = (hdel(&h, "m"), hdel(&h, &["nope", "fresh"]), hdel(&h, names));
        (set_, nx, incr, dels)
    }

    /// Reads of a hash: typed HGET, HMGET with holes, HGETALL, HKEYS, HVALS, HLEN, HEXISTS.
    #[redis_function(read_only)]
    pub fn hash_reads(h: Key, fields: Vec<String>) -> ((Option<String>, Option<i64>, Option<f64>, Option<String>), (Vec<Option<String>>, Vec<Option<String>>, Vec<Option<String>>), (Vec<(String, String)>, Vec<String>, Vec<String>, i64, bool, bool)) {
        let typed = (hget::<String>(&h, "name"), hget::<i64>(&h, "n"), hget::<f64>(&h, "x"), hget::<String>(&h, "nope"));
        let many = (hmget(&h, &["name", "nope", "n"]), hmget(&h, "name"), hmget(&h, fields));
        let all = (hgetall(&h), hkeys(&h), hvals(&h), hlen(&h), hexists(&h, "name"), hexists(&h, "nope"));
        (typed, many, all)
    }

    /// Pairs from a `Vec<(String, f64)>`: the floats must be sent as Rust prints them.
    #[redis_function]
    pub fn float_pairs(h: Key, x: f64) -> i64 {
        let mut pairs = Vec::new();
        pairs.push(("vx".to_string(), x));
        hset_many(&h, pairs)
    }
}

#[test]
fn hash_commands_agree_with_their_twins() {
    let (_server, mut con) = fresh();
    let lua = hashes::hash_absent(l("h")).call(&mut con).unwrap();
    let rust = run(&mut con, || hashes::twin::hash_absent(k("h")));
    assert_eq!(lua, rust);
    assert_eq!(lua, (None, None, vec![], vec![], vec![], 0, vec![None, None], false));

    let names = ["alpha", "be"];
    let lua = hashes::writes(l("h"), 0.1, names).call(&mut con).unwrap();
    let rust = run(&mut con, || hashes::twin::writes(k("h"), 0.1, names.map(String::from).to_vec()));
    assert_eq!(format!("{lua:?}"), format!("{rust:?}"));
    assert_eq!(lua.0, (1, 0, 2, 2, 2));
    assert_eq!(lua.1, (false, true));
    let (n, fresh, x, new_float): (i64, i64, f64, f64) = lua.2;
    assert_eq!((n, fresh, new_float), (12, -3, 0.1));
    assert!((x - 0.3).abs() < 1e-12, "{x}");
    assert_eq!(lua.3, (1, 1, 2));
    let data = same_data(&mut con);
    assert!(data[0].2.contains("(\"y\", \"100000000000000000000\")"), "{data:?}");

    let fields = ["n", "gone", "name"];
    let lua = hashes::hash_reads(l("h"), fields).call(&mut con).unwrap();
    let rust = run(&mut con, || hashes::twin::hash_reads(k("h"), fields.map(String::from).to_vec()));
    assert_eq!(format!("{lua:?}"), format!("{rust:?}"));
    let typed: (Option<String>, Option<i64>, Option<f64>, Option<String>) = lua.0;
    assert_eq!(format!("{typed:?}"), format!("{:?}", (Some("again"), Some(12), Some(x), None::<String>)));
    let (holes, one, spread) = lua.1;
    assert_eq!(holes, [Some("again".to_string()), None, Some("12".to_string())]);
    assert_eq!(one, [Some("again".to_string())]);
    assert_eq!(spread, [Some("12".to_string()), None, Some("again".to_string())]);
    let (all, names, values, len, yes, no): (Vec<(String, String)>, Vec<String>, Vec<String>, i64, bool, bool) = lua.2;
    assert_eq!((all.len() as i64, names.len() as i64, values.len() as i64, yes, no), (len, len, len, true, false));
    assert_eq!(all.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>(), names);
    assert_eq!(all.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(), values);
    same_data(&mut con);

    // Floats whose %.17g and Rust spellings agree; the others are in
    // `float_pairs_from_a_vec_are_sent_as_rust_prints_them`.
    for x in [0.5, -2.25] {
        let lua = hashes::float_pairs(l("fp"), x).call(&mut con).unwrap();
        let rust = run(&mut con, || hashes::twin::float_pairs(k("fp"), x));
        assert_eq!(lua, rust);
        let stored: String = redis::cmd("HGET").arg(k("fp")).arg("vx").query(&mut con).unwrap();
        assert_eq!(stored, x.to_string());
        let lua_stored: String = redis::cmd("HGET").arg(l("fp")).arg("vx").query(&mut con).unwrap();
        assert_eq!(lua_stored, stored, "{x:?} from a Vec<(String, f64)>");
    }
    same_data(&mut con);
}

/// The floats of a `Vec<(String, f64)>` are sent as Rust prints them ("0.1",
/// "100000000000000000000"), not with `redis.call`'s %.17g ("0.10000000000000001",
/// "1e+20").
#[test]
fn float_pairs_from_a_vec_are_sent_as_rust_prints_them() {
    let (_server, mut con) = fresh();
    for x in [0.1, 1e20] {
        hashes::float_pairs(l("fp"), x).call(&mut con).unwrap();
        run(&mut con, || hashes::twin::float_pairs(k("fp"), x));
        let lua: String = redis::cmd("HGET").arg(l("fp")).arg("vx").query(&mut con).unwrap();
        assert_eq!(lua, x.to_string());
    }
    same_data(&mut con);
}

// ---------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------

#[redlua::library(name = "cmd_lists")]
pub mod lists {
    use redlua::prelude::*;

    /// Every list read and pop on a key that does not exist.
    #[redis_function]
    pub fn list_absent(l: Key, other: Key) -> (Option<String>, Option<String>, Option<Vec<String>>, Option<Vec<String>>, Vec<String>, i64, Option<String>, Option<String>, Option<String>, i64) {
        (
            lpop(&l),
            rpop(&l),
            lpop_count(&l, 2),
            rpop_count(&l, 0),
            lrange(&l, 0, -1),
            llen(&l),
            lindex(&l, 0),
            lmove(&l, &other, "LEFT", "RIGHT"),
            rpoplpush(&l, &other),
            lrem(&l, 0, "x"),
        )
    }

    /// Pushes of one value, an array, a `Vec`, integers and floats; ranges and indexes.
    #[redis_function]
    pub fn fill(l: Key, items: Vec<String>) -> ((i64, i64, i64, i64, i64), (Vec<String>, Vec<String>, Vec<String>, i64), (Option<String>, Option<String>, Option<String>)) {
        let pushed = (lpush(&l, "a"), lpush(&l, &["b", "c"]), rpush(&l, items), rpush(&l, &[1, 2]), rpush(&l, 0.5));
        let ranges = (lrange(&l, 0, -1), lrange(&l, -2, -1), lrange(&l, 5, 1), llen(&l));
        let at = (lindex(&l, 0), lindex(&l, -1), lindex(&l, 100));
        (pushed, ranges, at)
    }

    /// Removal: LREM, LTRIM, pops with and without a count, LMOVE, RPOPLPUSH.
    #[redis_function]
    pub fn drain(l: Key, other: Key) -> ((i64, i64, Vec<String>), (Option<String>, Option<String>, Option<Vec<String>>, Option<Vec<String>>), (Option<String>, Option<String>, Option<String>, Vec<String>), (Option<Vec<String>>, Option<Vec<String>>, Option<String>)) {
        lpush(&l, &["a", "x", "a", "y", "a"]);
        let removed = (lrem(&l, 1, "a"), lrem(&l, -1, "a"), lrange(&l, 0, -1));
        ltrim(&l, 0, -2);
        rpush(&l, &["b", "c", "d"]);
        let pops = (lpop(&l), rpop(&l), lpop_count(&l, 2), rpop_count(&l, 0));
        rpush(&l, &["p", "q", "r"]);
        let moves = (lmove(&l, &other, "LEFT", "RIGHT"), lmove(&l, &l, "RIGHT", "LEFT"), rpoplpush(&l, &other), lrange(&other, 0, -1));
        let rest = (rpop_count(&l, 100), lpop_count(&l, 1), rpop(&l));
        (removed, pops, moves, rest)
    }

    /// Values from a `Vec<f64>` (sent as Rust prints them), a reference to a `Vec`,
    /// a `Vec` of integers, and a `Vec` built in the body.
    #[redis_function]
    pub fn spread(l: Key, xs: Vec<f64>) -> (i64, i64, i64, i64, Vec<String>) {
        let words = vec!["w1".to_string(), "w2".to_string()];
        let mut ns = Vec::new();
        ns.push(7);
        ns.push(-8);
        (rpush(&l, xs.clone()), rpush(&l, &xs), rpush(&l, &words), lpush(&l, ns), lrange(&l, 0, -1))
    }

    /// Pushes every value of the remaining arguments at once.
    #[redis_function]
    pub fn push_all(l: Key, items: Vec<String>) -> i64 {
        rpush(&l, &items)
    }
}

#[test]
fn list_commands_agree_with_their_twins() {
    let (_server, mut con) = fresh();
    let lua = lists::list_absent(l("l"), l("o")).call(&mut con).unwrap();
    let rust = run(&mut con, || lists::twin::list_absent(k("l"), k("o")));
    assert_eq!(lua, rust);
    assert_eq!(lua, (None, None, None, None, vec![], 0, None, None, None, 0));
    assert_eq!(same_data(&mut con), []);

    let items = ["i1", "i2"];
    let lua = lists::fill(l("l"), items).call(&mut con).unwrap();
    let rust = run(&mut con, || lists::twin::fill(k("l"), items.map(String::from).to_vec()));
    assert_eq!(lua, rust);
    assert_eq!(lua.0, (1, 3, 5, 7, 8));
    let (all, tail, empty, len): (Vec<String>, Vec<String>, Vec<String>, i64) = lua.1;
    assert_eq!(all, ["c", "b", "a", "i1", "i2", "1", "2", "0.5"]);
    assert_eq!((tail, empty, len), (vec!["2".to_string(), "0.5".to_string()], vec![], 8));
    assert_eq!(lua.2, (Some("c".into()), Some("0.5".into()), None));
    same_data(&mut con);

    let lua = lists::drain(l("d"), l("o")).call(&mut con).unwrap();
    let rust = run(&mut con, || lists::twin::drain(k("d"), k("o")));
    assert_eq!(lua, rust);
    assert_eq!(lua.0, (1, 1, vec!["y".to_string(), "a".into(), "x".into()]));
    // A count of 0 on an existing list: an empty list, not None.
    assert_eq!(lua.1, (Some("y".into()), Some("d".into()), Some(vec!["a".to_string(), "b".into()]), Some(vec![])));
    assert_eq!(lua.2, (Some("c".into()), Some("r".into()), Some("q".into()), vec!["q".to_string(), "c".into()]));
    // The list is gone once emptied: a count then gives None.
    assert_eq!(lua.3, (Some(vec!["p".to_string(), "r".into()]), None, None));
    same_data(&mut con);

    let xs = [0.1, 1e20, -0.0, 2.5];
    let lua = lists::spread(l("f"), xs).call(&mut con).unwrap();
    let rust = run(&mut con, || lists::twin::spread(k("f"), xs.to_vec()));
    assert_eq!(lua, rust);
    let (_, _, _, len, all): (i64, i64, i64, i64, Vec<String>) = lua;
    assert_eq!(len, 12);
    assert_eq!(&all[..4], ["-8", "7", "0.1", "100000000000000000000"]);
    same_data(&mut con);

    // Past 7,000 values the list is sent in pieces: see
    // `long_argument_lists_are_split_as_one_command_would_reply`.
    let many: Vec<String> = (0..7_000).map(|i| format!("item{i}")).collect();
    let lua = lists::push_all(l("many"), many.clone()).call(&mut con).unwrap();
    let rust = run(&mut con, || lists::twin::push_all(k("many"), many.clone()));
    assert_eq!((lua, rust), (7_000, 7_000));
    same_data(&mut con);
}

/// Lua 5.1's `unpack` refuses about 8,000 values: a command whose arguments come from a
/// longer `Vec` is sent in pieces, and the replies combine as one command's would.
#[test]
fn long_argument_lists_are_split_as_one_command_would_reply() {
    let (_server, mut con) = fresh();
    let many: Vec<String> = (0..10_000).map(|i| format!("item{i}")).collect();
    let rust = run(&mut con, || lists::twin::push_all(k("many"), many.clone()));
    let lua = lists::push_all(l("many"), many).call(&mut con).unwrap();
    assert_eq!((lua, rust), (10_000, 10_000));
    same_data(&mut con);
}

// ---------------------------------------------------------------------------------
// Sets
// ---------------------------------------------------------------------------------

#[redlua::library(name = "cmd_sets")]
pub mod sets {
    use redlua::prelude::*;

    /// Every set read on a key that does not exist.
    #[redis_function]
    pub fn set_absent(s: Key, other: Key) -> (Vec<String>, i64, bool, Vec<bool>, i64, bool) {
        (smembers(&s), scard(&s), sismember(&s, "a"), smismember(&s, &["a", "b"]), srem(&s, "a"), smove(&s, &other, "a"))
    }

    /// SADD (one, array, `Vec`, integers), membership, SREM, SMOVE.
    #[redis_function]
    pub fn members(s: Key, other: Key, more: Vec<String>) -> ((i64, i64, i64, i64), (bool, bool, bool, Vec<bool>, Vec<bool>), (Vec<String>, i64), (i64, bool, bool, i64, i64)) {
        let added = (sadd(&s, "a"), sadd(&s, &["b", "c", "a"]), sadd(&s, more), sadd(&s, &[1, 2]));
        let member = (sismember(&s, "a"), sismember(&s, 1), sismember(&s, "zz"), smismember(&s, &["a", "zz", "c"]), smismember(&s, "b"));
        let all = (smembers(&s), scard(&s));
        let moved = (srem(&s, &["a", "nope"]), smove(&s, &other, "b"), smove(&s, &other, "nope"), scard(&s), scard(&other));
        (added, member, all, moved)
    }

    /// SPOP and SRANDMEMBER are random: `nondeterministic`.
    #[redis_function(nondeterministic)]
    pub fn random(s: Key, missing: Key) -> (Option<String>, Option<String>, Option<String>, Option<String>, i64) {
        sadd(&s, &["x", "y", "z"]);
        let picked = srandmember(&s);
        let popped = spop(&s);
        (picked, popped, spop(&missing), srandmember(&missing), scard(&s))
    }
}

#[test]
fn set_commands_agree_with_their_twins() {
    let (_server, mut con) = fresh();
    let lua = sets::set_absent(l("s"), l("o")).call(&mut con).unwrap();
    let rust = run(&mut con, || sets::twin::set_absent(k("s"), k("o")));
    assert_eq!(lua, rust);
    assert_eq!(lua, (vec![], 0, false, vec![false, false], 0, false));
    assert_eq!(same_data(&mut con), []);

    let more = ["d", "e", "a"];
    let lua = sets::members(l("s"), l("o"), more).call(&mut con).unwrap();
    let rust = run(&mut con, || sets::twin::members(k("s"), k("o"), more.map(String::from).to_vec()));
    assert_eq!(lua, rust);
    assert_eq!(lua.0, (1, 2, 2, 2));
    assert_eq!(lua.1, (true, true, false, vec![true, false, true], vec![true]));
    let (mut all, n): (Vec<String>, i64) = lua.2;
    all.sort();
    assert_eq!((all, n), (vec!["1", "2", "a", "b", "c", "d", "e"].into_iter().map(String::from).collect(), 7));
    assert_eq!(lua.3, (1, true, false, 5, 1));
    same_data(&mut con);

    for round in 0..10 {
        let lua = sets::random(l(&format!("r{round}")), l("missing")).call(&mut con).unwrap();
        let rust = run(&mut con, || sets::twin::random(k(&format!("r{round}")), k("missing")));
        for (ns, (picked, popped, none1, none2, left)) in [("lua", lua), ("rust", rust)] {
            let picked = picked.expect("SRANDMEMBER of a full set");
            let popped = popped.expect("SPOP of a full set");
            assert!(["x", "y", "z"].contains(&picked.as_str()), "{picked}");
            assert!(["x", "y", "z"].contains(&popped.as_str()), "{popped}");
            assert_eq!((none1, none2, left), (None, None, 2));
            let still: bool = redis::cmd("SISMEMBER").arg(format!("{ns}:r{round}")).arg(&popped).query(&mut con).unwrap();
            assert!(!still, "SPOP removed {popped}");
        }
    }
}

// ---------------------------------------------------------------------------------
// Sorted sets
// ---------------------------------------------------------------------------------

#[redlua::library(name = "cmd_zsets")]
pub mod zsets {
    use redlua::prelude::*;

    /// Every sorted-set read on a key that does not exist.
    #[redis_function]
    pub fn zset_absent(z: Key) -> (Option<f64>, Vec<Option<f64>>, Vec<String>, Vec<(String, f64)>, i64, Option<i64>, Vec<(String, f64)>, Vec<(String, f64)>, i64, i64) {
        (
            zscore(&z, "a"),
            zmscore(&z, &["a", "b"]),
            zrange(&z, 0, -1, ZRangeOptions::new()),
            zrange_withscores(&z, 0, -1, ZRangeOptions::new()),
            zcard(&z),
            zrank(&z, "a"),
            zpop_min(&z, 1),
            zpop_max(&z, 2),
            zcount(&z, "-inf", "+inf"),
            zrem(&z, "a"),
        )
    }

    /// ZADD (plain, with options, INCR), ZINCRBY, scores; `small`, `big` and `top` come
    /// in as arguments (0.1, 1e20, inf).
    #[redis_function]
    pub fn scores(z: Key, small: f64, big: f64, top: f64) -> ((i64, i64, i64, i64, i64), (i64, i64, i64, i64, i64), (Option<f64>, Option<f64>, Option<f64>, f64, f64), (Option<f64>, Option<f64>, Option<f64>)) {
        let plain = (zadd(&z, small, "a"), zadd(&z, big, "b"), zadd(&z, 2.5, "c"), zadd(&z, top, "top"), zadd(&z, 0.3, "a"));
        let with = (
            // Called ch().xx(): sent as `XX CH`.
            zadd_with(&z, 5.0, "a", ZAddOptions::new().ch().xx()),
            zadd_with(&z, 1.0, "new", ZAddOptions::new().xx()),
            zadd_with(&z, 9.0, "c", ZAddOptions::new().gt().ch()),
            zadd_with(&z, 1.0, "c", ZAddOptions::new().ch().gt()),
            zadd_with(&z, 3.0, "e", ZAddOptions::new().lt()),
        );
        let incr = (
            zadd_incr(&z, small, "a", ZAddOptions::new()),
            zadd_incr(&z, 1.0, "ghost", ZAddOptions::new().xx()),
            zadd_incr(&z, 1.0, "a", ZAddOptions::new().nx()),
            zincr_by(&z, small, "c"),
            zincr_by(&z, small, "fresh"),
        );
        // ZMSCORE of existing members: see `scored` below.
        let read = (zscore(&z, "b"), zscore(&z, "top"), zscore(&z, "nope"));
        (plain, with, incr, read)
    }

    /// ZRANGE in its modes (options in any call order), WITHSCORES, ZRANGEBYSCORE,
    /// ZREVRANGE, ZCARD, ZCOUNT, ZRANK.
    #[redis_function(read_only)]
    pub fn ranges(z: Key) -> ((Vec<String>, Vec<String>, Vec<String>, Vec<String>, Vec<String>), (Vec<String>, Vec<String>, Vec<String>), (i64, i64, i64, Option<i64>, Option<i64>)) {
        let plain = (
            zrange(&z, 0, -1, ZRangeOptions::new()),
            zrange(&z, "(0", "+inf", ZRangeOptions::new().count(2).limit(1).by_score()),
            zrange(&z, "+inf", "-inf", ZRangeOptions::new().rev().by_score()),
            zrange(&z, "[a", "[c", ZRangeOptions::new().by_lex()),
            zrange(&z, 0, 1, ZRangeOptions::new().rev()),
        );
        // WITHSCORES of a non-empty range: see `scored` below.
        let old = (zrange_by_score(&z, "-inf", 3), zrange_by_score(&z, "(0.1", "+inf"), zrevrange(&z, 0, 1));
        let counts = (zcard(&z), zcount(&z, "-inf", "+inf"), zcount(&z, 0, 1), zrank(&z, "a"), zrank(&z, "nope"));
        (plain, old, counts)
    }

    /// Removal: ZREM, ZREMRANGEBYSCORE, ZREMRANGEBYRANK (ZPOPMIN and ZPOPMAX are in
    /// `scored`).
    #[redis_function]
    pub fn removals(z: Key, cut: f64) -> (i64, i64, i64, i64, Vec<String>) {
        (zrem(&z, "e"), zrem(&z, &["nope", "fresh"]), zrem_range_by_score(&z, "-inf", cut), zrem_range_by_rank(&z, 0, 0), zrange(&z, 0, -1, ZRangeOptions::new()))
    }
}

/// The commands whose replies are read with `redlua_opt_floats` / `redlua_score_pairs`.
#[redlua::library(name = "cmd_zset_scores")]
pub mod zset_scores {
    use redlua::prelude::*;

    /// ZMSCORE, ZRANGE .. WITHSCORES, ZPOPMIN and ZPOPMAX on a non-empty sorted set.
    #[redis_function]
    pub fn scored(z: Key) -> (Vec<Option<f64>>, Vec<(String, f64)>, Vec<(String, f64)>, Vec<(String, f64)>, Vec<(String, f64)>, Vec<(String, f64)>) {
        (
            zmscore(&z, &["x", "nope", "y"]),
            zrange_withscores(&z, 0, -1, ZRangeOptions::new()),
            zrange_withscores(&z, "-inf", 3, ZRangeOptions::new().limit(0).by_score().count(10)),
            zpop_min(&z, 1),
            zpop_max(&z, 2),
            zrange_withscores(&z, 0, -1, ZRangeOptions::new().rev()),
        )
    }
}

type Scored = (Vec<Option<f64>>, Vec<(String, f64)>, Vec<(String, f64)>, Vec<(String, f64)>, Vec<(String, f64)>, Vec<(String, f64)>);

fn fill_scored(con: &mut Connection, key: &str) {
    redis::cmd("ZADD").arg(key).arg("0.1").arg("x").arg("1e20").arg("y").arg("inf").arg("z").arg("2.5").arg("w").arg("-0.5").arg("v").exec(con).unwrap();
}

fn expected_scored() -> Scored {
    let p = |m: &str, s: f64| (m.to_string(), s);
    (
        vec![Some(0.1), None, Some(1e20)],
        vec![p("v", -0.5), p("x", 0.1), p("w", 2.5), p("y", 1e20), p("z", f64::INFINITY)],
        vec![p("v", -0.5), p("x", 0.1), p("w", 2.5)],
        vec![p("v", -0.5)],
        vec![p("z", f64::INFINITY), p("y", 1e20)],
        vec![p("w", 2.5), p("x", 0.1)],
    )
}

#[test]
fn float_replies_of_sorted_sets_in_the_twin() {
    let (_server, mut con) = fresh();
    fill_scored(&mut con, "rust:z");
    let rust: Scored = run(&mut con, || zset_scores::twin::scored(k("z")));
    assert_eq!(rust, expected_scored());
}

/// Replies with scores (ZMSCORE, WITHSCORES, ZPOPMIN, ZPOPMAX): their Lua helpers are
/// emitted after the helpers they call.
#[test]
fn float_replies_of_sorted_sets() {
    let (_server, mut con) = fresh();
    fill_scored(&mut con, "lua:z");
    fill_scored(&mut con, "rust:z");
    let lua: Scored = zset_scores::scored(l("z")).call(&mut con).unwrap();
    let rust: Scored = run(&mut con, || zset_scores::twin::scored(k("z")));
    assert_eq!(lua, rust);
    assert_eq!(lua, expected_scored());
    same_data(&mut con);
}

#[test]
fn sorted_set_commands_agree_with_their_twins() {
    let (_server, mut con) = fresh();
    let lua = zsets::zset_absent(l("z")).call(&mut con).unwrap();
    let rust = run(&mut con, || zsets::twin::zset_absent(k("z")));
    assert_eq!(lua, rust);
    assert_eq!(lua, (None, vec![None, None], vec![], vec![], 0, None, vec![], vec![], 0, 0));
    assert_eq!(same_data(&mut con), []);

    let lua = zsets::scores(l("z"), 0.1, 1e20, f64::INFINITY).call(&mut con).unwrap();
    let rust = run(&mut con, || zsets::twin::scores(k("z"), 0.1, 1e20, f64::INFINITY));
    assert_eq!(format!("{lua:?}"), format!("{rust:?}"));
    assert_eq!(lua.0, (1, 1, 1, 1, 0));
    assert_eq!(lua.1, (1, 0, 1, 0, 1));
    let (a, ghost, exists, c, fresh): (Option<f64>, Option<f64>, Option<f64>, f64, f64) = lua.2;
    assert_eq!((a, ghost, exists, c, fresh), (Some(5.1), None, None, 9.1, 0.1));
    let (b, top, nope): (Option<f64>, Option<f64>, Option<f64>) = lua.3;
    assert_eq!((b, top, nope), (Some(1e20), Some(f64::INFINITY), None));
    same_data(&mut con);

    let lua = zsets::ranges(l("z")).call(&mut con).unwrap();
    let rust = run(&mut con, || zsets::twin::ranges(k("z")));
    assert_eq!(format!("{lua:?}"), format!("{rust:?}"));
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(lua.0 .0, s(&["fresh", "e", "a", "c", "b", "top"]));
    assert_eq!(lua.0 .1, s(&["e", "a"]));
    assert_eq!(lua.0 .2, s(&["top", "b", "c", "a", "e", "fresh"]));
    assert_eq!(lua.0 .4, s(&["top", "b"]));
    assert_eq!(lua.1, (s(&["fresh", "e"]), s(&["e", "a", "c", "b", "top"]), s(&["top", "b"])));
    assert_eq!(lua.2, (6, 6, 1, Some(2), None));
    // The same data read with WITHSCORES by the twin (the Lua side is in
    // `float_replies_of_sorted_sets`).
    let with: Vec<(String, f64)> = run(&mut con, || zrange_withscores(k("z"), 0, -1, ZRangeOptions::new()));
    assert_eq!(with, [("fresh".to_string(), 0.1), ("e".into(), 3.0), ("a".into(), 5.1), ("c".into(), 9.1), ("b".into(), 1e20), ("top".into(), f64::INFINITY)]);

    let lua = zsets::removals(l("z"), 5.1).call(&mut con).unwrap();
    let rust = run(&mut con, || zsets::twin::removals(k("z"), 5.1));
    assert_eq!(format!("{lua:?}"), format!("{rust:?}"));
    assert_eq!(lua, (1, 1, 1, 1, vec!["b".to_string(), "top".into()]));
    same_data(&mut con);
}

// ---------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------

type Entries = Vec<(String, Vec<(String, String)>)>;

/// A stream entry ID as (milliseconds, sequence).
fn parse_id(id: &str) -> (u64, u64) {
    let (ms, seq) = id.split_once('-').expect("an entry ID");
    (ms.parse().unwrap(), seq.parse().unwrap())
}

#[redlua::library(name = "cmd_streams")]
pub mod streams {
    use redlua::prelude::*;

    /// Every stream read on a key that does not exist, and XADD NOMKSTREAM there.
    #[redis_function(nondeterministic)]
    pub fn stream_absent(s: Key) -> (i64, Vec<(String, Vec<(String, String)>)>, Option<String>, i64, i64, i64) {
        (xlen(&s), xrange(&s, "-", "+"), xadd_with(&s, "1-1", &[("f", "v")], XAddOptions::new().nomkstream()), xtrim_maxlen(&s, 0), xtrim_minid(&s, "1-0"), xdel(&s, "1-1"))
    }

    /// XADD with explicit IDs (XADD is flagged nondeterministic by the server whatever
    /// the ID), trimming, XRANGE, XDEL.
    #[redis_function(nondeterministic)]
    pub fn entries(s: Key, x: f64) -> ((String, String, String, String, Option<String>, Option<String>), (i64, Vec<(String, Vec<(String, String)>)>, Vec<(String, Vec<(String, String)>)>), (i64, i64, i64, i64, Vec<(String, Vec<(String, String)>)>)) {
        let mut fields = Vec::new();
        fields.push(("vec".to_string(), "v".to_string()));
        fields.push(("float".to_string(), x.to_string()));
        let added = (
            xadd(&s, "1-1", &[("name", "a"), ("n", "1")]),
            xadd(&s, "1-2", &[("n", 2)]),
            xadd(&s, "2-0", fields),
            xadd(&s, 3, &[("f", x)]),
            xadd_with(&s, "4-0", &[("a", "b")], XAddOptions::new().maxlen(4)),
            // Called minid().nomkstream(): sent as `NOMKSTREAM MINID 2-0`.
            xadd_with(&s, "5-0", &[("a", "c")], XAddOptions::new().minid("2-0").nomkstream()),
        );
        let read = (xlen(&s), xrange(&s, "-", "+"), xrange(&s, "2", "3"));
        let trimmed = (xtrim_maxlen(&s, 3), xtrim_minid(&s, "4-0"), xdel(&s, &["4-0", "9-9"]), xdel(&s, "5-0"), xrange(&s, "-", "+"));
        (added, read, trimmed)
    }

    /// XADD with a server-chosen ID.
    #[redis_function(nondeterministic)]
    pub fn auto(s: Key) -> (String, Option<String>, i64) {
        let first = xadd(&s, "*", &[("k", "v")]);
        let second = xadd_with(&s, "*", &[("k", "w")], XAddOptions::new().maxlen(1));
        (first, second, xlen(&s))
    }
}

#[test]
fn stream_commands_agree_with_their_twins() {
    let (_server, mut con) = fresh();
    let lua = streams::stream_absent(l("s")).call(&mut con).unwrap();
    let rust = run(&mut con, || streams::twin::stream_absent(k("s")));
    assert_eq!(lua, rust);
    assert_eq!(lua, (0, vec![], None, 0, 0, 0));
    assert_eq!(same_data(&mut con), []);

    let lua = streams::entries(l("s"), 0.1).call(&mut con).unwrap();
    let rust = run(&mut con, || streams::twin::entries(k("s"), 0.1));
    assert_eq!(lua, rust);
    let ids = lua.0;
    assert_eq!(ids, ("1-1".into(), "1-2".into(), "2-0".into(), "3-0".into(), Some("4-0".into()), Some("5-0".into())));
    let e = |id: &str, fs: &[(&str, &str)]| (id.to_string(), fs.iter().map(|(f, v)| (f.to_string(), v.to_string())).collect::<Vec<_>>());
    let (len, all, some): (i64, Entries, Entries) = lua.1;
    assert_eq!(len, 4);
    assert_eq!(all, [e("2-0", &[("vec", "v"), ("float", "0.1")]), e("3-0", &[("f", "0.1")]), e("4-0", &[("a", "b")]), e("5-0", &[("a", "c")])]);
    assert_eq!(some, all[..2]);
    let (maxlen, minid, del_many, del_one, left) = lua.2;
    assert_eq!((maxlen, minid, del_many, del_one, left), (1, 1, 1, 1, vec![]));
    same_data(&mut con);

    let lua = streams::auto(l("auto")).call(&mut con).unwrap();
    let rust = run(&mut con, || streams::twin::auto(k("auto")));
    for (first, second, len) in [lua.clone(), rust.clone()] {
        let second = second.expect("XADD without NOMKSTREAM");
        assert!(parse_id(&first) < parse_id(&second), "{first} < {second}");
        assert_eq!(len, 1, "MAXLEN 1 trimmed the stream");
    }
    let (lua_id, rust_id) = (parse_id(&lua.0), parse_id(&rust.0));
    assert!(lua_id.0 <= rust_id.0, "the twin ran after the Lua: {lua_id:?} then {rust_id:?}");
}

// ---------------------------------------------------------------------------------
// Pub/sub and server
// ---------------------------------------------------------------------------------

#[redlua::library(name = "cmd_misc")]
pub mod misc {
    use redlua::prelude::*;

    /// PUBLISH on a channel (a value, not a key).
    #[redis_function]
    pub fn announce(channel: String, message: String) -> (i64, i64) {
        (publish(&channel, &message), publish("redlua:nobody", 1))
    }

    /// TIME reads the clock: `nondeterministic`.
    #[redis_function(nondeterministic)]
    pub fn clock() -> (i64, i64) {
        time()
    }
}

#[test]
fn publish_and_time_agree_with_their_twins() {
    let (server, mut con) = fresh();
    let mut sub_con = server.connection().unwrap();
    let mut sub = sub_con.as_pubsub();
    sub.subscribe("redlua:news").unwrap();
    let lua = misc::announce("redlua:news", "from lua").call(&mut con).unwrap();
    let rust = run(&mut con, || misc::twin::announce("redlua:news".to_string(), "from rust".to_string()));
    assert_eq!(lua, rust);
    assert_eq!(lua, (1, 0));
    for expected in ["from lua", "from rust"] {
        let msg = sub.get_message().unwrap();
        assert_eq!(msg.get_payload::<String>().unwrap(), expected);
    }

    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let lua: (i64, i64) = misc::clock().call(&mut con).unwrap();
    let rust: (i64, i64) = run(&mut con, misc::twin::clock);
    for (secs, micros) in [lua, rust] {
        assert!((secs - now).abs() <= 5, "{secs} vs {now}");
        assert!((0..1_000_000).contains(&micros), "{micros}");
    }
    assert!(lua <= rust, "{lua:?} <= {rust:?}");
}

// ---------------------------------------------------------------------------------
// Argument forms
// ---------------------------------------------------------------------------------

#[redlua::library(name = "cmd_forms")]
pub mod forms {
    use redlua::prelude::*;

    /// Keys derived from a key parameter in every key position, keys by value, empty
    /// options builders, references to `Vec`s, `vec!` in place, `String` arguments
    /// (XADD makes it `nondeterministic`).
    #[redis_function(nondeterministic)]
    pub fn shapes(q: Key, name: String, n: i64) -> ((bool, bool, Option<String>), (i64, i64, i64), (Vec<Option<String>>, i64, i64, i64), (i64, i64, Vec<String>)) {
        let mut pairs = Vec::new();
        pairs.push((name.clone(), n));
        pairs.push(("other".to_string(), n * 2));
        let opts = (
            set_with(&q.derive(":s"), &name, SetOptions::new()),
            set_with(q.derive(":s2"), n, SetOptions::new().nx()),
            xadd_with(&q.derive(":x"), "1-1", &pairs, XAddOptions::new()),
        );
        let refs = (
            hset_many(&q.derive(":h"), &pairs),
            zadd_with(&q.derive(":z"), 1.5, &name, ZAddOptions::new()),
            rpush(&q.derive(":l"), vec![name.clone(), "x".to_string()]),
        );
        mset(&[(&q.derive(":m1"), n), (&q.derive(":m2"), n + 1)]);
        let keys = (
            mget(&[&q.derive(":m1"), &q.derive(":none"), &q.derive(":m2")]),
            exists_count(&q.derive(":m1")),
            unlink(q.derive(":m1")),
            del(&[&q.derive(":m2"), &q.derive(":s2")]),
        );
        let strs = (
            sadd(&q.derive(":set"), &[name.clone(), n.to_string()]),
            hincr_by(&q.derive(":h"), name.as_str(), 1),
            lrange(&q.derive(":l"), 0, -1),
        );
        (opts, refs, keys, strs)
    }
}

#[test]
fn argument_forms_agree_with_their_twins() {
    let (_server, mut con) = fresh();
    for (name, n) in [("field", 3), ("é", -4)] {
        let q = format!("{{q{n}}}");
        let lua = forms::shapes(l(&q), name, n).call(&mut con).unwrap();
        let rust = run(&mut con, || forms::twin::shapes(k(&q), name.to_string(), n));
        assert_eq!(lua, rust, "shapes({name:?}, {n})");
        same_data(&mut con);
    }
}

// ---------------------------------------------------------------------------------
// Twins over RESP3
// ---------------------------------------------------------------------------------

/// Everything the twins return over one connection, as text.
fn twin_replies(con: &mut Connection) -> Vec<String> {
    fill_scored(con, "rust:zs");
    vec![
        format!("{:?}", run(con, || strings::twin::reads(k("a"), k("b"), k("c"), k("missing"), "t".to_string(), 0.1))),
        format!("{:?}", run(con, || strings::twin::conditional(k("ca"), k("cb"), k("cc"), k("cd"), k("ce")))),
        format!("{:?}", run(con, || strings::twin::counters(k("n"), k("f"), k("s"), 0.1))),
        format!("{:?}", run(con, || keys_stream::twin::make(k("st")))),
        format!("{:?}", run(con, || keys::twin::types(k("ts"), k("tl"), k("th"), k("tz"), k("st"), k("tset"), k("missing")))),
        format!("{:?}", run(con, || hashes::twin::hash_absent(k("h")))),
        format!("{:?}", run(con, || hashes::twin::writes(k("h"), 0.1, vec!["alpha".to_string()]))),
        format!("{:?}", run(con, || hashes::twin::hash_reads(k("h"), vec!["n".to_string(), "gone".to_string()]))),
        format!("{:?}", run(con, || lists::twin::list_absent(k("l"), k("lo")))),
        format!("{:?}", run(con, || lists::twin::drain(k("ld"), k("lo")))),
        format!("{:?}", run(con, || sets::twin::set_absent(k("set"), k("so")))),
        format!("{:?}", run(con, || sets::twin::members(k("set"), k("so"), vec!["d".to_string()]))),
        format!("{:?}", run(con, || zsets::twin::zset_absent(k("z")))),
        format!("{:?}", run(con, || zsets::twin::scores(k("z"), 0.1, 1e20, f64::INFINITY))),
        format!("{:?}", run(con, || zsets::twin::ranges(k("z")))),
        format!("{:?}", run(con, || zset_scores::twin::scored(k("zs")))),
        format!("{:?}", run(con, || streams::twin::stream_absent(k("x")))),
        format!("{:?}", run(con, || streams::twin::entries(k("x"), 0.1))),
    ]
}

/// A twin run on a RESP3 connection (maps, sets, doubles) returns what it returns on
/// RESP2, the protocol the Lua sees.
#[test]
fn twins_read_resp3_replies_as_they_read_resp2() {
    let (server, mut resp2) = fresh();
    let client = redis::Client::open(format!("{}?protocol=resp3", server.url().trim_end_matches('/'))).unwrap();
    let mut resp3 = client.get_connection().unwrap();
    let hello: redis::Value = redis::cmd("HGETALL").arg("nothing").query(&mut resp3).unwrap();
    assert!(matches!(hello, redis::Value::Map(_)), "a RESP3 connection: {hello:?}");
    // One server for both runs, so that sets list their members in the same order.
    let a = twin_replies(&mut resp2);
    redis::cmd("FLUSHALL").exec(&mut resp2).unwrap();
    let b = twin_replies(&mut resp3);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
}

// ---------------------------------------------------------------------------------
// The commands themselves, byte for byte
// ---------------------------------------------------------------------------------

/// An argument given to both sides: what the stub takes and what the twin takes.
trait Both {
    type Lua;
    type Rust;
    fn lua(&self) -> Self::Lua;
    fn rust(&self) -> Self::Rust;
}

/// A key, named without its namespace.
struct K(&'static str);
/// A string argument.
struct S(&'static str);
/// Keys for a trailing `Vec<Key>`.
struct Ks(&'static [&'static str]);
/// Strings for a trailing `Vec<String>`.
struct Ss(&'static [&'static str]);

impl Both for K {
    type Lua = String;
    type Rust = Key;
    fn lua(&self) -> String {
        l(self.0)
    }
    fn rust(&self) -> Key {
        k(self.0)
    }
}

impl Both for S {
    type Lua = &'static str;
    type Rust = String;
    fn lua(&self) -> &'static str {
        self.0
    }
    fn rust(&self) -> String {
        self.0.to_string()
    }
}

impl Both for Ks {
    type Lua = Vec<String>;
    type Rust = Vec<Key>;
    fn lua(&self) -> Vec<String> {
        self.0.iter().map(|n| l(n)).collect()
    }
    fn rust(&self) -> Vec<Key> {
        self.0.iter().map(|n| k(n)).collect()
    }
}

impl Both for Ss {
    type Lua = Vec<String>;
    type Rust = Vec<String>;
    fn lua(&self) -> Vec<String> {
        self.0.iter().map(|s| s.to_string()).collect()
    }
    fn rust(&self) -> Vec<String> {
        self.lua()
    }
}

impl Both for f64 {
    type Lua = f64;
    type Rust = f64;
    fn lua(&self) -> f64 {
        *self
    }
    fn rust(&self) -> f64 {
        *self
    }
}

impl Both for i64 {
    type Lua = i64;
    type Rust = i64;
    fn lua(&self) -> i64 {
        *self
    }
    fn rust(&self) -> i64 {
        *self
    }
}

impl Both for Vec<f64> {
    type Lua = Vec<f64>;
    type Rust = Vec<f64>;
    fn lua(&self) -> Vec<f64> {
        self.clone()
    }
    fn rust(&self) -> Vec<f64> {
        self.clone()
    }
}

/// The commands a server executes, as MONITOR prints them, split by client.
struct Monitor {
    lines: std::sync::mpsc::Receiver<String>,
}

impl Monitor {
    fn start(port: u16) -> Monitor {
        use std::io::{BufRead, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.write_all(b"MONITOR\r\n").unwrap();
        let reader = std::io::BufReader::new(stream);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let ok = rx.recv().unwrap();
        assert_eq!(ok, "+OK");
        Monitor { lines: rx }
    }

    /// The commands seen until `marker` was echoed, as (client, arguments).
    fn until(&self, marker: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        loop {
            let line = self.lines.recv_timeout(std::time::Duration::from_secs(10)).expect("MONITOR output");
            if line.contains(marker) {
                return out;
            }
            // `1700000000.123456 [0 127.0.0.1:4242] "SET" "k" "v"`
            let (Some(open), Some(close)) = (line.find('['), line.find("] ")) else { continue };
            let client = line[open + 1..close].split_once(' ').map_or("", |(_, c)| c).to_string();
            out.push((client, line[close + 2..].to_string()));
        }
    }
}

/// Runs a function as Lua (on `$lc`) and as its twin (on `$tc`), ignoring the results
/// (compared by the tests above): only the commands they send matter here.
macro_rules! both {
    ($lc:expr, $tc:expr, $m:ident :: $f:ident ( $($arg:expr),* $(,)? )) => {{
        let _ = $m::$f($(Both::lua(&$arg)),*).call($lc);
        let _ = try_run($tc, || $m::twin::$f($(Both::rust(&$arg)),*));
    }};
}

/// Every function above sends, command for command and byte for byte, what its twin
/// sends (options in the table's order, words in place, floats as Rust prints them).
#[test]
fn the_twins_send_the_commands_the_lua_sends() {
    let server = TestServer::start().expect("redis-server must be installed");
    let port = server.port().expect("a server this test started");
    let mut lc = server.connection().unwrap();
    let mut tc = server.connection().unwrap();
    let info: String = redis::cmd("CLIENT").arg("INFO").query(&mut tc).unwrap();
    let twin_addr = info.split(' ').find_map(|f| f.strip_prefix("addr=")).unwrap().to_string();
    // Load every library first: loading is not part of the comparison.
    for lib in [&strings::LIBRARY, &keys::LIBRARY, &keys_stream::LIBRARY, &hashes::LIBRARY, &lists::LIBRARY, &sets::LIBRARY, &zsets::LIBRARY, &zset_scores::LIBRARY, &streams::LIBRARY, &misc::LIBRARY, &forms::LIBRARY] {
        lib.load(&mut lc).unwrap();
    }
    let monitor = Monitor::start(port);
    let (lc, tc) = (&mut lc, &mut tc);

    both!(lc, tc, strings::reads(K("a"), K("b"), K("c"), K("missing"), S("hello"), 0.1));
    both!(lc, tc, strings::reads(K("a"), K("b"), K("c"), K("missing"), S(""), 1e20));
    both!(lc, tc, strings::reads(K("a"), K("b"), K("c"), K("missing"), S("x"), 5e-324));
    both!(lc, tc, strings::conditional(K("ca"), K("cb"), K("cc"), K("cd"), K("ce")));
    both!(lc, tc, strings::multi(K("ma"), K("mb"), K("mm"), Ks(&["r1", "missing"])));
    both!(lc, tc, strings::counters(K("n"), K("f"), K("s"), -0.0));
    both!(lc, tc, strings::counters(K("n"), K("f"), K("s"), 1e-7));
    both!(lc, tc, strings::bump(K("n")));
    both!(lc, tc, strings::read_int(K("n")));
    both!(lc, tc, keys::deletes(K("ka"), K("kb"), K("kc"), K("kd"), K("missing"), Ks(&["r1", "r2"])));
    both!(lc, tc, keys::expiry(K("ea"), K("eb"), K("ec"), K("missing")));
    both!(lc, tc, keys_stream::make(K("st")));
    both!(lc, tc, keys::types(K("ts"), K("tl"), K("th"), K("tz"), K("st"), K("tset"), K("missing")));
    both!(lc, tc, keys::del_all(Ks(&["ts", "tl"])));
    both!(lc, tc, keys::getex_plain(K("g")));
    both!(lc, tc, keys::ttls(K("t"), K("p"), K("missing")));
    both!(lc, tc, hashes::hash_absent(K("h")));
    both!(lc, tc, hashes::writes(K("h"), 0.1, Ss(&["alpha", "be"])));
    both!(lc, tc, hashes::hash_reads(K("h"), Ss(&["n", "gone"])));
    both!(lc, tc, hashes::float_pairs(K("fp"), 0.5));
    both!(lc, tc, lists::list_absent(K("l"), K("lo")));
    both!(lc, tc, lists::fill(K("l"), Ss(&["i1", "i2"])));
    both!(lc, tc, lists::drain(K("ld"), K("lo")));
    both!(lc, tc, lists::spread(K("sp"), vec![0.1, 1e20, -0.0, 2.5]));
    both!(lc, tc, lists::push_all(K("pa"), Ss(&["a", "b", "c"])));
    both!(lc, tc, sets::set_absent(K("set"), K("so")));
    both!(lc, tc, sets::members(K("set"), K("so"), Ss(&["d", "e"])));
    both!(lc, tc, sets::random(K("r"), K("missing")));
    both!(lc, tc, zsets::zset_absent(K("z")));
    both!(lc, tc, zsets::scores(K("z"), 0.1, 1e20, f64::INFINITY));
    both!(lc, tc, zsets::ranges(K("z")));
    both!(lc, tc, zsets::removals(K("z"), 5.1));
    both!(lc, tc, streams::stream_absent(K("x")));
    both!(lc, tc, streams::entries(K("x"), 0.1));
    both!(lc, tc, streams::auto(K("xa")));
    both!(lc, tc, misc::announce(S("redlua:news"), S("hi")));
    both!(lc, tc, misc::clock());
    both!(lc, tc, forms::shapes(K("{q}"), S("field"), 7i64));
    // A command that fails stops both sides at the same point.
    both!(lc, tc, keys::wrong_type(K("wt")));
    // `zset_scores::scored` needs a filled set: it is compared in
    // `float_replies_of_sorted_sets`.

    let marker = "redlua-monitor-end";
    redis::cmd("ECHO").arg(marker).exec(tc).unwrap();
    let seen = monitor.until(marker);
    let lua: Vec<String> = seen.iter().filter(|(c, _)| c == "lua").map(|(_, a)| a.replace("\"lua:", "\"rust:")).collect();
    let twin: Vec<String> = seen.iter().filter(|(c, _)| *c == twin_addr).map(|(_, a)| a.clone()).collect();
    assert!(lua.len() > 250, "{} commands", lua.len());
    for (i, (a, b)) in lua.iter().zip(&twin).enumerate() {
        assert_eq!(a, b, "command {i}: the Lua sent {a}, the twin {b}");
    }
    assert_eq!(lua.len(), twin.len(), "as many commands on both sides");
}
