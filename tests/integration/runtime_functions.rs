//! Library management (list, delete, dump/restore, export) and versioning (stamps,
//! `Library::status`, load events that name the version a server held) on a real server.

#[path = "runtime_support.rs"]
mod support;

use redlua::events::{self, Event, Trigger};
use redlua::functions::{self, RestorePolicy};
use redlua::{Error, LibraryStatus, LoadOutcome};
use std::process::Command;
use std::sync::{Arc, Mutex};
use support::counters;
use support::scripts::rt_bump_script;
use support::*;

/// An older version of `rt_counters`: `bump` adds twice, and `read` does not exist yet.
const OLD_COUNTERS: &str = "#!lua name=rt_counters\n\
redis.register_function('bump', function(keys, args) return redis.call('INCRBY', keys[1], 2 * args[1]) end)\n";

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("redlua-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn list_shows_libraries_functions_and_flags() {
    let (_server, mut con) = server();
    assert!(functions::list(&mut con).unwrap().is_empty());
    counters::LIBRARY.load(&mut con).unwrap();
    let libs = functions::list(&mut con).unwrap();
    assert_eq!(libs.len(), 1);
    let lib = &libs[0];
    assert_eq!((lib.name.as_str(), lib.engine.as_str(), lib.code.as_deref()), ("rt_counters", "LUA", None));
    let mut names: Vec<&str> = lib.functions.iter().map(|f| f.name.as_str()).collect();
    names.sort();
    // Each function under its plain name, and under `<library>__<name>` for typed calls.
    assert_eq!(
        names,
        ["bump", "bump_positive", "bump_two", "read", "rt_counters__bump", "rt_counters__bump_positive", "rt_counters__bump_two", "rt_counters__read"]
    );
    let typed = lib.functions.iter().find(|f| f.name == "rt_counters__read").unwrap();
    assert_eq!((typed.flags.as_slice(), typed.description.as_deref()), (&["no-writes".to_string()][..], Some("typed calls of read")));
    let read = lib.functions.iter().find(|f| f.name == "read").unwrap();
    assert_eq!(read.flags, ["no-writes"]);
    let bump = lib.functions.iter().find(|f| f.name == "bump").unwrap();
    assert!(bump.flags.is_empty());
    // The flags on the server are the ones the macro declared.
    for f in counters::LIBRARY.functions() {
        let server = lib.functions.iter().find(|s| s.name == f.name()).unwrap();
        assert_eq!(server.flags, f.flags(), "{}", f.name());
    }
    let with_code = functions::list_with_code(&mut con).unwrap();
    assert_eq!(with_code[0].code.as_deref(), Some(counters::LUA));
    assert_eq!(with_code[0].stamp().as_deref(), Some(counters::LIBRARY.stamp()));
    let stats = functions::stats(&mut con).unwrap();
    assert_eq!(stats.running, None);
    assert_eq!(stats.engines, [("LUA".to_string(), 1, 8)]);
}

#[test]
fn delete_then_the_next_call_loads_again() {
    let (_server, mut con) = server();
    counters::bump("c", 1).call(&mut con).unwrap();
    assert!(counters::LIBRARY.delete(&mut con).unwrap());
    assert!(!counters::LIBRARY.delete(&mut con).unwrap(), "already gone");
    assert_eq!(counters::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Missing);
    assert_eq!(counters::bump("c", 1).call(&mut con).unwrap(), 2);
}

#[test]
fn dump_and_restore_move_libraries_between_servers() {
    let (_a, mut con_a) = server();
    let (_b, mut con_b) = server();
    counters::LIBRARY.load(&mut con_a).unwrap();
    let payload = functions::dump(&mut con_a).unwrap();
    assert!(!payload.is_empty());
    functions::restore(&mut con_b, &payload, RestorePolicy::Append).unwrap();
    assert_eq!(counters::LIBRARY.status(&mut con_b).unwrap(), LibraryStatus::Current);
    // APPEND refuses a library that exists; REPLACE and FLUSH take it.
    let r = functions::restore(&mut con_b, &payload, RestorePolicy::Append);
    assert!(matches!(r, Err(Error::Redis(_))), "{r:?}");
    redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(OLD_COUNTERS).exec(&mut con_b).unwrap();
    functions::restore(&mut con_b, &payload, RestorePolicy::Replace).unwrap();
    assert_eq!(counters::LIBRARY.status(&mut con_b).unwrap(), LibraryStatus::Current);
    redis::cmd("FUNCTION").arg("LOAD").arg("#!lua name=other\nredis.register_function('x', function() return 1 end)").exec(&mut con_b).unwrap();
    functions::restore(&mut con_b, &payload, RestorePolicy::Flush).unwrap();
    let names: Vec<String> = functions::list(&mut con_b).unwrap().into_iter().map(|l| l.name).collect();
    assert_eq!(names, ["rt_counters"]);
}

#[test]
fn exported_lua_loads_with_redis_cli() {
    let (server, mut con) = server();
    let dir = temp_dir("export");
    let paths = functions::export(&dir, &[&counters::LIBRARY], &[&rt_bump_script::SCRIPT]).unwrap();
    assert_eq!(paths, [dir.join("rt_counters.lua"), dir.join("rt_bump_script.lua")]);
    assert_eq!(std::fs::read_to_string(&paths[0]).unwrap(), counters::LUA);
    assert_eq!(std::fs::read_to_string(&paths[1]).unwrap(), rt_bump_script::LUA);

    // What a deployment without redlua at run time does.
    let port = server.port().unwrap().to_string();
    let out = Command::new("redis-cli")
        .args(["-p", &port, "-x", "FUNCTION", "LOAD", "REPLACE"])
        .stdin(std::fs::File::open(&paths[0]).unwrap())
        .output()
        .expect("run redis-cli");
    assert!(out.status.success(), "{out:?}");
    let out = Command::new("redis-cli")
        .args(["-p", &port, "-x", "SCRIPT", "LOAD"])
        .stdin(std::fs::File::open(&paths[1]).unwrap())
        .output()
        .expect("run redis-cli");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), rt_bump_script::SCRIPT.sha1());
    assert_eq!(counters::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Current);
    assert_eq!(counters::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Unchanged);
    assert!(rt_bump_script::SCRIPT.exists(&mut con).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn another_version_on_the_server_is_reported_with_its_stamp() {
    let (_server, mut con) = server();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let me = std::thread::current().id();
    let _sub = events::subscribe(move |e| {
        if std::thread::current().id() == me {
            s.lock().unwrap().push(e.clone());
        }
    });
    let old_stamp = redlua::stamp_of(OLD_COUNTERS.as_bytes());
    assert_ne!(old_stamp, counters::LIBRARY.stamp());
    assert_eq!(counters::LIBRARY.stamp(), redlua::stamp_of(counters::LUA.as_bytes()), "the stamp is derived from the code");

    // A rolling deploy: an old client loaded its version.
    redis::cmd("FUNCTION").arg("LOAD").arg(OLD_COUNTERS).exec(&mut con).unwrap();
    assert_eq!(counters::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Other { stamp: old_stamp.clone() });

    // `read` is missing from the old version: the call replaces the library, says so,
    // and runs once.
    redis::cmd("SET").arg("c").arg(5).exec(&mut con).unwrap();
    assert_eq!(counters::read("c").call(&mut con).unwrap(), 5);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![Event::LibraryLoaded {
            library: "rt_counters",
            stamp: counters::LIBRARY.stamp(),
            previous: LibraryStatus::Other { stamp: old_stamp.clone() },
            node: None,
            trigger: Trigger::Recovery,
        }]
    );
    assert_eq!(counters::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Current);

    // An explicit load reports the replaced version too.
    seen.lock().unwrap().clear();
    redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(OLD_COUNTERS).exec(&mut con).unwrap();
    assert_eq!(counters::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Replaced);
    assert!(matches!(
        &seen.lock().unwrap()[..],
        [Event::LibraryLoaded { previous: LibraryStatus::Other { stamp }, trigger: Trigger::Load, .. }] if *stamp == old_stamp
    ));
    // Unchanged sends nothing and reports nothing.
    seen.lock().unwrap().clear();
    assert_eq!(counters::LIBRARY.load(&mut con).unwrap(), LoadOutcome::Unchanged);
    assert!(seen.lock().unwrap().is_empty());
    // Scripts are versioned by SHA1: a script load after SCRIPT FLUSH is reported.
    redis::cmd("SCRIPT").arg("FLUSH").exec(&mut con).unwrap();
    rt_bump_script("s", 1).call(&mut con).unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![Event::ScriptLoaded { script: "rt_bump_script", sha1: rt_bump_script::SCRIPT.sha1(), trigger: Trigger::Recovery }]
    );
}
