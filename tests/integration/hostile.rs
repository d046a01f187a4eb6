//! Bad input at run time, for real: keys of the wrong type, ACL users without the
//! permissions a call needs, replies of another type than the stub expects, hand-made
//! calls with the wrong number of keys or arguments, and very long argument lists. Each
//! gives a typed `redlua::Error` that says what happened (never a panic), and the data
//! on the server shows whether the call ran.

use redis::Value;
use redlua::testing::TestServer;
use redlua::Error;

#[redlua::library(name = "hostile")]
pub mod hostile {
    use redlua::prelude::*;

    /// Counts a call, then adds to a counter (WRONGTYPE when `counter` is not a string).
    #[redis_function]
    pub fn add(calls: Key, counter: Key, by: i64) -> i64 {
        incr(&calls);
        incr_by(&counter, by)
    }

    /// Reads a counter.
    #[redis_function(read_only)]
    pub fn read(counter: Key) -> Option<i64> {
        get::<i64>(&counter)
    }

    /// Writes a key derived from the one it is given.
    #[redis_function]
    pub fn touch_derived(base: Key) -> i64 {
        incr(&base.derive(":side"))
    }

    /// Length and sum of any number of trailing arguments.
    #[redis_function(read_only)]
    pub fn sum(scale: i64, xs: Vec<i64>) -> (i64, i64) {
        let mut total = 0;
        for x in &xs {
            total += x * scale;
        }
        (xs.len() as i64, total)
    }

    /// The trailing arguments, back.
    #[redis_function(read_only)]
    pub fn echo(xs: Vec<String>) -> Vec<String> {
        xs
    }

    /// Counts any number of trailing keys that exist.
    #[redis_function(read_only)]
    pub fn count_existing(keys: Vec<Key>) -> i64 {
        let mut n = 0;
        for k in &keys {
            if exists(k) {
                n += 1;
            }
        }
        n
    }
}

fn server() -> (TestServer, redis::Connection) {
    let server = TestServer::start().expect("redis-server must be installed");
    let con = server.connection().expect("a connection to the test server");
    (server, con)
}

fn get(con: &mut redis::Connection, key: &str) -> Option<i64> {
    redis::cmd("GET").arg(key).query(con).unwrap()
}

/// A connection as `user` (with password `pw`).
fn connect_as(server: &TestServer, user: &str) -> redis::Connection {
    let url = server.url().replacen("redis://", &format!("redis://{user}:pw@"), 1);
    redis::Client::open(url).unwrap().get_connection().unwrap()
}

fn acl_setuser(con: &mut redis::Connection, user: &str, rules: &[&str]) {
    let mut cmd = redis::cmd("ACL");
    cmd.arg("SETUSER").arg(user).arg("reset").arg("on").arg(">pw");
    for r in rules {
        cmd.arg(*r);
    }
    cmd.exec(con).unwrap();
}

fn server_code(e: &Error) -> Option<&str> {
    e.redis_error().and_then(|r| r.code())
}

// ---------------------------------------------------------------------------------------
// WRONGTYPE

#[test]
fn a_key_of_the_wrong_type_is_a_typed_server_error() {
    let (_server, mut con) = server();
    redis::cmd("RPUSH").arg("list").arg("x").exec(&mut con).unwrap();
    let r = hostile::add("calls", "list", 1).call(&mut con);
    match &r {
        Err(e @ Error::Redis(re)) => {
            assert_eq!(re.code(), Some("WRONGTYPE"), "{e}");
            assert!(e.to_string().contains("wrong kind of value"), "{e}");
            assert!(!e.did_not_run(), "it ran until the failing command");
        }
        other => panic!("expected Error::Redis with WRONGTYPE, got {other:?}"),
    }
    // Redis does not roll back: the statement before the failing one took effect.
    assert_eq!(get(&mut con, "calls"), Some(1));
    let len: i64 = redis::cmd("LLEN").arg("list").query(&mut con).unwrap();
    assert_eq!(len, 1, "the list is untouched");
    // Reading a list as an integer.
    let r = hostile::read("list").call(&mut con);
    assert!(matches!(&r, Err(e) if server_code(e) == Some("WRONGTYPE")), "{r:?}");
    // A string that is not an integer: redlua's own check, with the Rust line.
    redis::cmd("SET").arg("text").arg("abc").exec(&mut con).unwrap();
    match hostile::read("text").call(&mut con) {
        Err(Error::Script { message, location }) => {
            assert!(message.contains("not an integer"), "{message}");
            let l = location.expect("the Rust line of the failing statement");
            assert!(l.file.ends_with("hostile.rs"), "{l}");
        }
        other => panic!("expected Error::Script, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// ACL

#[test]
fn a_user_without_function_load_gets_a_typed_error_and_nothing_runs() {
    let (server, mut admin) = server();
    acl_setuser(&mut admin, "caller", &["~*", "+@all", "-function|load"]);
    let mut con = connect_as(&server, "caller");
    let r = hostile::add("calls", "n", 1).call(&mut con);
    let e = r.expect_err("the library cannot be loaded by this user");
    // The function was not found and the reload was refused: NotLoaded, with the
    // server's NOPERM in its detail, and the call did not run.
    assert!(matches!(&e, Error::NotLoaded { detail, .. } if detail.contains("NoPerm") || detail.contains("NOPERM")), "typed: {e:?}");
    assert!(e.did_not_run());
    assert!(e.to_string().contains("function|load"), "names what is missing: {e}");
    assert_eq!(get(&mut admin, "calls"), None, "nothing ran");
    let r = hostile::LIBRARY.load(&mut con);
    assert!(matches!(&r, Err(e) if server_code(e) == Some("NOPERM")), "{r:?}");
    // Once an administrator has loaded the library, the same user can call it.
    hostile::LIBRARY.load(&mut admin).unwrap();
    assert_eq!(hostile::add("calls", "n", 1).call(&mut con).unwrap(), 1);
}

#[test]
fn a_refused_reload_says_the_call_did_not_run() {
    let (server, mut admin) = server();
    acl_setuser(&mut admin, "caller", &["~*", "+@all", "-function|load"]);
    let mut con = connect_as(&server, "caller");
    let e = hostile::add("calls", "n", 1).call(&mut con).expect_err("the library cannot be loaded by this user");
    assert!(e.did_not_run(), "the server said the function does not exist, so the call did not run: {e:?}");
    assert!(matches!(&e, Error::NotLoaded { detail, .. } if detail.contains("NOPERM") || detail.contains("permission")), "{e:?}");
}

#[test]
fn a_user_without_any_function_command_gets_a_typed_error() {
    let (server, mut admin) = server();
    hostile::LIBRARY.load(&mut admin).unwrap();
    acl_setuser(&mut admin, "nofcall", &["~*", "+@all", "-fcall", "-fcall_ro", "-function"]);
    let mut con = connect_as(&server, "nofcall");
    let r = hostile::add("calls", "n", 1).call(&mut con);
    match &r {
        Err(e) => {
            assert_eq!(server_code(e), Some("NOPERM"), "{e:?}");
            assert!(e.to_string().contains("fcall"), "names the command: {e}");
        }
        Ok(v) => panic!("ran without permission: {v}"),
    }
    assert_eq!(get(&mut admin, "calls"), None);
    let r = hostile::LIBRARY.load(&mut con);
    assert!(matches!(&r, Err(e) if server_code(e) == Some("NOPERM")), "{r:?}");
}

#[test]
fn a_user_without_access_to_the_keys_gets_a_typed_error() {
    let (server, mut admin) = server();
    hostile::LIBRARY.load(&mut admin).unwrap();
    acl_setuser(&mut admin, "tenant", &["~tenant:*", "+@all"]);
    let mut con = connect_as(&server, "tenant");
    // Its own keys work.
    assert_eq!(hostile::add("tenant:calls", "tenant:n", 2).call(&mut con).unwrap(), 2);
    // A key outside its pattern, passed as a key: refused before the function runs.
    let r = hostile::add("tenant:calls", "other:n", 1).call(&mut con);
    match &r {
        Err(e) => {
            assert_eq!(server_code(e), Some("NOPERM"), "{e:?}");
            assert!(e.to_string().contains("permissions"), "{e}");
        }
        Ok(v) => panic!("wrote another tenant's key: {v}"),
    }
    assert_eq!(get(&mut admin, "tenant:calls"), Some(1), "the refused call did not run");
    assert_eq!(get(&mut admin, "other:n"), None);
    // A read-only user: FCALL_RO of a read-only function works, a writing one is refused.
    acl_setuser(&mut admin, "reader", &["%R~*", "+@all"]);
    let mut reader = connect_as(&server, "reader");
    assert_eq!(hostile::read("tenant:n").call(&mut reader).unwrap(), Some(2));
    let r = hostile::add("tenant:calls", "tenant:n", 1).call(&mut reader);
    assert!(matches!(&r, Err(e) if server_code(e) == Some("NOPERM")), "{r:?}");
    assert_eq!(get(&mut admin, "tenant:n"), Some(2));
}

#[test]
fn a_derived_key_outside_the_user_s_keys_fails_inside_the_function() {
    let (server, mut admin) = server();
    hostile::LIBRARY.load(&mut admin).unwrap();
    // The base key is allowed, the derived one (`<base>:side`) is not.
    acl_setuser(&mut admin, "narrow", &["~base", "+@all"]);
    let mut con = connect_as(&server, "narrow");
    let r = hostile::touch_derived("base").call(&mut con);
    match &r {
        Err(e) => {
            let text = e.to_string();
            // Redis 7.0: "ACL failure in script: No permissions to access a key"; Valkey:
            // "... can't access ..." or NOPERM.
            assert!(text.contains("can't access") || text.contains("NOPERM") || text.contains("No permissions"), "a clear message: {e:?}");
            match e {
                Error::Script { location: Some(l), .. } => assert!(l.file.ends_with("hostile.rs"), "{l}"),
                other => panic!("expected Error::Script at the Rust line, got {other:?}"),
            }
        }
        Ok(v) => panic!("wrote a key outside the user's pattern: {v}"),
    }
    assert_eq!(get(&mut admin, "base:side"), None);
}

// ---------------------------------------------------------------------------------------
// Replies of another type, hand-made calls

/// Another library of the same name whose functions reply other types, as an older
/// version on the server would during a rolling deploy (registered, as redlua does, under
/// the plain names and the `hostile__<name>` names of typed calls).
const OTHER_VERSION: &str = "#!lua name=hostile\n\
local function reg(name, callback, flags)\n\
  redis.register_function{function_name=name, callback=callback, flags=flags}\n\
  redis.register_function{function_name='hostile__' .. name, callback=callback, flags=flags}\n\
end\n\
reg('add', function(keys, args) return 'not a number' end, {})\n\
reg('read', function(keys, args) return { 1, 2, 3 } end, {'no-writes'})\n\
reg('sum', function(keys, args) return redis.status_reply('OK') end, {'no-writes'})\n\
reg('echo', function(keys, args) return 7 end, {'no-writes'})\n\
reg('count_existing', function(keys, args) return { err = 'OLD version gone' } end, {'no-writes'})\n\
reg('touch_derived', function(keys, args) return false end, {})\n";

#[test]
fn a_reply_of_an_unexpected_type_is_a_reply_error() {
    let (_server, mut con) = server();
    redis::cmd("FUNCTION").arg("LOAD").arg(OTHER_VERSION).exec(&mut con).unwrap();
    let r = hostile::add("c", "n", 1).call(&mut con);
    assert!(matches!(&r, Err(Error::Reply { .. })), "a string for an i64: {r:?}");
    let r = hostile::read("n").call(&mut con);
    assert!(matches!(&r, Err(Error::Reply { .. })), "an array for an Option<i64>: {r:?}");
    let r = hostile::sum(1, [1i64, 2]).call(&mut con);
    assert!(matches!(&r, Err(Error::Reply { .. })), "a status for a tuple: {r:?}");
    let r = hostile::echo(["a"]).call(&mut con);
    assert!(matches!(&r, Err(Error::Reply { .. })), "an integer for a Vec<String>: {r:?}");
    let r = hostile::count_existing(["a"]).call(&mut con);
    assert!(matches!(&r, Err(e) if server_code(e) == Some("OLD")), "an error reply is a server error: {r:?}");
    let r = hostile::touch_derived("b").call(&mut con);
    assert!(matches!(&r, Err(Error::Reply { .. })), "nil for an i64: {r:?}");
    for e in [hostile::add("c", "n", 1).call(&mut con).unwrap_err(), hostile::read("n").call(&mut con).unwrap_err()] {
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn a_read_only_stub_against_a_writing_version_gets_a_clear_error() {
    let (_server, mut con) = server();
    // An older version whose `read` was not read-only yet: FCALL_RO refuses it.
    let old = "#!lua name=hostile\nlocal function read(keys, args) return 1 end\n\
        redis.register_function('read', read)\nredis.register_function('hostile__read', read)\n";
    redis::cmd("FUNCTION").arg("LOAD").arg(old).exec(&mut con).unwrap();
    let r = hostile::read("n").call(&mut con);
    match &r {
        Err(e @ Error::Redis(_)) => assert!(e.to_string().contains("write flag"), "{e}"),
        other => panic!("expected Error::Redis, got {other:?}"),
    }
}

#[test]
fn hand_made_calls_with_wrong_counts_get_a_clear_error_and_change_nothing() {
    let (_server, mut con) = server();
    hostile::LIBRARY.load(&mut con).unwrap();
    let fcall = |con: &mut redis::Connection, keys: &[&str], args: &[&str]| -> redis::RedisResult<Value> {
        let mut cmd = redis::cmd("FCALL");
        cmd.arg("add").arg(keys.len()).arg(keys).arg(args);
        cmd.query(con)
    };
    for (keys, args) in [(&["calls"][..], &["1"][..]), (&["calls", "n", "x"][..], &["1"][..]), (&["calls", "n"][..], &[][..]), (&["calls", "n"][..], &["1", "2"][..]), (&[][..], &[][..])] {
        let e = fcall(&mut con, keys, args).expect_err("refused");
        let text = e.to_string();
        assert!(text.contains("add expects 2 keys and 1 argument"), "{keys:?} {args:?}: {text}");
    }
    // Not an integer, or beyond the exact range of Lua numbers.
    for bad in ["x", "1.5", "", "9007199254740993", "1e3", " 1"] {
        let e = fcall(&mut con, &["calls", "n"], &[bad]).expect_err("refused");
        assert!(e.to_string().contains("argument by must be an integer"), "{bad:?}: {e}");
    }
    assert_eq!(get(&mut con, "calls"), None, "no refused call ran");
    // The stubs refuse such integers before sending anything.
    let r = hostile::add("calls", "n", 1 << 60).call(&mut con);
    assert!(matches!(&r, Err(e @ Error::Argument { .. }) if e.did_not_run()), "{r:?}");
    let r = hostile::sum(1, [1, i64::MIN]).call(&mut con);
    assert!(matches!(&r, Err(Error::Argument { .. })), "{r:?}");
}

// ---------------------------------------------------------------------------------------
// Long argument lists

#[test]
fn a_hundred_thousand_trailing_arguments() {
    let (_server, mut con) = server();
    let xs: Vec<i64> = (1..=100_000).collect();
    let (n, total) = hostile::sum(2, xs.iter().copied()).call(&mut con).unwrap();
    assert_eq!((n, total), (100_000, 2 * 100_000 * 100_001 / 2));
    assert_eq!(redlua::twin::run(&mut con, || hostile::twin::sum(2, xs.clone())), (n, total));
    let words: Vec<String> = (0..100_000).map(|i| format!("w{i}")).collect();
    let back = hostile::echo(&words).call(&mut con).unwrap();
    assert_eq!(back, words, "a reply of 100,000 elements");
    let keys: Vec<String> = (0..100_000).map(|i| format!("k{i}")).collect();
    redis::cmd("SET").arg("k7").arg(1).exec(&mut con).unwrap();
    redis::cmd("SET").arg("k99999").arg(1).exec(&mut con).unwrap();
    assert_eq!(hostile::count_existing(&keys).call(&mut con).unwrap(), 2, "100,000 keys");
    // Past the sum's exact range: a script error, not a wrong number.
    let big: Vec<i64> = vec![(1 << 52) + 1; 4];
    let r = hostile::sum(1, big).call(&mut con);
    assert!(matches!(&r, Err(Error::Script { message, .. }) if message.contains("overflow")), "{r:?}");
}

#[test]
fn an_empty_trailing_list_and_a_huge_single_argument() {
    let (_server, mut con) = server();
    assert_eq!(hostile::sum(1, Vec::<i64>::new()).call(&mut con).unwrap(), (0, 0));
    assert_eq!(hostile::echo(Vec::<String>::new()).call(&mut con).unwrap(), Vec::<String>::new());
    let big = "x".repeat(16 << 20);
    let back = hostile::echo([big.as_str()]).call(&mut con).unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].len(), 16 << 20, "a 16 MB argument and reply");
}

// ---------------------------------------------------------------------------------------
// The library's memory of its last numeric arguments

/// A library remembers the text of each numeric argument and the number it gave, so that
/// a repeated argument is checked once: a refused text between two accepted ones, and
/// accepted texts that Lua's tonumber reads alike ("7", "07", "+7"), still get their own
/// answer; so do texts longer than the library keeps (24 bytes).
#[test]
fn remembered_arguments_never_answer_for_other_texts() {
    let (_server, mut con) = server();
    hostile::LIBRARY.load(&mut con).unwrap();
    let fcall = |con: &mut redis::Connection, by: &str| -> redis::RedisResult<i64> { redis::cmd("FCALL").arg("add").arg(2).arg("calls").arg("n").arg(by).query(con) };
    let mut expected = 0;
    for (by, ok) in [("7", true), ("7", true), ("1e3", false), ("7", true), ("07", true), ("+7", true), (" 7", false), ("7 ", false), ("0x7", false), ("-7", true), ("9007199254740993", false), ("-7", true), ("10e2", false), ("1.e3", false), ("7\0", false), ("7\05", false), ("\t7", false), ("10", true), ("0", true), ("-0", true), ("0000000000000000000000000000000000000000007", true), ("7", true)] {
        let r = fcall(&mut con, by);
        if ok {
            expected += by.trim_start_matches('+').parse::<i64>().unwrap();
            assert_eq!(r.unwrap(), expected, "{by:?}");
        } else {
            let e = r.expect_err(by);
            assert!(e.to_string().contains("argument by must be an integer"), "{by:?}: {e}");
        }
    }
    assert_eq!(get(&mut con, "n"), Some(expected));
}
