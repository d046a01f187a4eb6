//! The `redlua` binary on the examples crate and on broken sources: the Lua it prints
//! and writes is byte for byte what the macros generated (`bank::LUA`), compile errors
//! name their file, line, rule and hint, and `load` puts the libraries into a real server.

use redlua::testing::TestServer;
use redlua_examples::{
    banking, capped_increment, get_with_default, job_queue, locks, migrating, ports, rate_limit, record_queue, recovery, sliding_window,
    token_bucket, transfer,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every library and script of the examples crate, with the Lua and SHA1 the macros made.
fn expected() -> BTreeMap<&'static str, (&'static str, &'static str)> {
    BTreeMap::from([
        ("bank", (transfer::bank::LUA, transfer::bank::LIBRARY.stamp())),
        ("banking", (banking::banking::LUA, banking::banking::LIBRARY.stamp())),
        ("kv", (get_with_default::kv::LUA, get_with_default::kv::LIBRARY.stamp())),
        ("locks", (locks::locks::LUA, locks::locks::LIBRARY.stamp())),
        ("capped_increment", (capped_increment::capped_increment::LUA, capped_increment::capped_increment::SCRIPT.sha1())),
        ("fixed_window", (rate_limit::fixed_window::LUA, rate_limit::fixed_window::SCRIPT.sha1())),
        ("buckets", (token_bucket::buckets::LUA, token_bucket::buckets::LIBRARY.stamp())),
        ("windows", (sliding_window::windows::LUA, sliding_window::windows::LIBRARY.stamp())),
        ("jobs", (job_queue::jobs::LUA, job_queue::jobs::LIBRARY.stamp())),
        ("transfer_script", (migrating::transfer_script::LUA, migrating::transfer_script::SCRIPT.sha1())),
        ("careful_bank", (recovery::careful_bank::LUA, recovery::careful_bank::LIBRARY.stamp())),
        ("ports_gcra", (ports::gcra::gcra::LUA, ports::gcra::gcra::LIBRARY.stamp())),
        ("ports_locks", (ports::extend_lock::lock::LUA, ports::extend_lock::lock::LIBRARY.stamp())),
        ("ports_queue", (ports::claim_job::queue::LUA, ports::claim_job::queue::LIBRARY.stamp())),
        ("record_jobs", (record_queue::record_jobs::LUA, record_queue::record_jobs::LIBRARY.stamp())),
    ])
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn redlua(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redlua")).args(args).output().expect("the redlua binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("redlua-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn with_newline(s: &str) -> String {
    if s.ends_with('\n') {
        s.to_string()
    } else {
        format!("{s}\n")
    }
}

#[test]
fn printed_lua_is_the_lua_the_macros_generated() {
    let dir = examples_dir();
    let dir = dir.to_str().unwrap();
    for (name, (lua, _)) in expected() {
        let o = redlua(&["lua", dir, "--name", name]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert_eq!(stdout(&o), with_newline(lua), "the Lua of {name}");
    }
    // Without --name: every one of them, each after a line that names it.
    let o = redlua(&["lua", dir]);
    assert!(o.status.success(), "{}", stderr(&o));
    let all = stdout(&o);
    for (name, (lua, _)) in expected() {
        assert!(all.contains(&with_newline(lua)), "{name} is printed whole");
        assert!(all.lines().any(|l| l.starts_with("-- redlua: ") && l.contains(&format!(" {name} ("))), "{name} is named");
    }
}

#[test]
fn written_files_are_the_lua_the_macros_generated() {
    let out = temp_dir("out");
    let o = redlua(&["lua", examples_dir().to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut written: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    let names: Vec<String> = expected().keys().map(|n| format!("{n}.lua")).collect();
    assert_eq!(written, names, "one file per library and script of the examples");
    for (name, (lua, _)) in expected() {
        assert_eq!(std::fs::read_to_string(out.join(format!("{name}.lua"))).unwrap(), lua, "{name}.lua");
        assert!(stdout(&o).contains(&format!("{name}.lua")), "the path of {name}.lua is printed");
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn list_names_every_function_with_the_stamp_the_runtime_uses() {
    let o = redlua(&["list", examples_dir().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for (name, (_, sha1)) in expected() {
        let line = text.lines().find(|l| l.contains(&format!(" {name}  "))).unwrap_or_else(|| panic!("{name} in {text}"));
        assert!(line.ends_with(sha1), "{line} ends with {sha1}");
    }
    assert!(text.contains("balance   1 key, 0 arguments  [no-writes]"), "{text}");
}

/// A crate whose one function builds a key from a string.
fn broken_crate(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"broken\"\nversion = \"0.1.0\"\n").unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        "use redlua::prelude::*;\n\
         \n\
         #[redis_function]\n\
         pub fn visits(user: String) -> i64 {\n\
         \x20   incr(&Key::new(format!(\"user:{user}\")))\n\
         }\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_compile_error_names_file_line_rule_and_hint_and_fails() {
    let dir = broken_crate("broken-lua");
    let o = redlua(&["lua", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "no Lua is printed: {}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("error[redlua::dynamic-key]: a key built inside the function body"), "{err}");
    let file = dir.join("src").join("lib.rs");
    assert!(err.contains(&format!("--> {}:5:", file.display())), "{err}");
    assert!(err.contains("5 |     incr(&Key::new(format!(\"user:{user}\")))"), "{err}");
    assert!(err.contains("= help: ") && err.contains("dynamic_keys"), "{err}");
    assert!(err.contains("1 problem in 1 file"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_and_missing_inputs_have_their_own_exit_codes() {
    assert_eq!(redlua(&[]).status.code(), Some(2));
    assert_eq!(redlua(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(redlua(&["lua"]).status.code(), Some(2));
    assert_eq!(redlua(&["lua", ".", "--url", "redis://x/"]).status.code(), Some(2), "--url is for load");
    assert_eq!(redlua(&["lua", "/nonexistent/redlua/crate"]).status.code(), Some(3));
    let o = redlua(&["lua", examples_dir().to_str().unwrap(), "--name", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no library or script named `nope`"), "{}", stderr(&o));
    assert!(redlua(&["--help"]).status.success());
    assert!(stdout(&redlua(&["--version"])).starts_with("redlua "));
}

fn function_names(con: &mut redis::Connection) -> BTreeMap<String, Vec<String>> {
    redlua::functions::list(con)
        .unwrap()
        .into_iter()
        .map(|lib| (lib.name, lib.functions.into_iter().map(|f| f.name).collect()))
        .collect()
}

#[test]
fn load_puts_the_libraries_and_scripts_into_a_server() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let dir = examples_dir();
    let dir = dir.to_str().unwrap();

    // `bank` and `banking` both register `transfer`, `kv` and `banking` both `get_or`:
    // function names are global to a server, so they cannot all be loaded into one.
    let o = redlua(&["load", dir, "--url", server.url()]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("function `transfer` is registered by library bank"), "{}", stderr(&o));
    assert!(redlua::functions::list(&mut con).unwrap().is_empty(), "nothing was loaded");

    let all_but_banking = ["--name", "bank", "--name", "kv", "--name", "locks", "--name", "capped_increment", "--name", "fixed_window"];
    let o = redlua(&[&["load", dir, "--url", server.url()][..], &all_but_banking[..]].concat());
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let report = stdout(&o);
    assert!(report.contains(&format!("library bank: loaded (stamp {})", transfer::bank::LIBRARY.stamp())), "{report}");
    assert!(report.contains("script capped_increment: in the script cache"), "{report}");

    let libraries = function_names(&mut con);
    assert_eq!(libraries.keys().map(String::as_str).collect::<Vec<_>>(), ["bank", "kv", "locks"]);
    let mut bank = libraries["bank"].clone();
    bank.sort();
    // Each function under its name, and under `bank__<name>` for typed calls.
    assert_eq!(bank, ["balance", "bank__balance", "bank__transfer", "transfer"]);
    // Exactly the code the application's calls expect: they run without loading anything.
    assert_eq!(transfer::bank::LIBRARY.status(&mut con).unwrap(), redlua::LibraryStatus::Current);
    assert_eq!(locks::locks::LIBRARY.status(&mut con).unwrap(), redlua::LibraryStatus::Current);
    assert!(capped_increment::capped_increment::SCRIPT.exists(&mut con).unwrap());
    assert!(rate_limit::fixed_window::SCRIPT.exists(&mut con).unwrap());

    // Loading the same build again sends no code.
    let o = redlua(&["load", dir, "--url", server.url(), "--name", "bank"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("library bank: unchanged"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("library kv"), "--name loads only bank: {}", stdout(&o));

    // Another version on the server is replaced, and its stamp reported.
    let old = "#!lua name=bank\nredis.register_function('transfer', function() return 0 end)\n";
    redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(old).exec(&mut con).unwrap();
    let o = redlua(&["load", dir, "--url", server.url(), "--name", "bank"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let old_stamp = redlua::stamp_of(old.as_bytes());
    assert!(stdout(&o).contains(&format!("library bank: replaced (the server had stamp {old_stamp}")), "{}", stdout(&o));
    assert_eq!(transfer::bank::LIBRARY.status(&mut con).unwrap(), redlua::LibraryStatus::Current);
}

#[test]
fn load_reports_a_server_that_cannot_be_reached() {
    // Port 1 (tcpmux): nothing listens there on a test machine.
    let o = redlua(&["load", examples_dir().to_str().unwrap(), "--name", "bank", "--url", "redis://127.0.0.1:1/"]);
    assert_eq!(o.status.code(), Some(4), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("cannot connect to redis://127.0.0.1:1/"), "{}", stderr(&o));
}

#[test]
fn load_refuses_a_broken_crate_before_connecting() {
    let dir = broken_crate("broken-load");
    let o = redlua(&["load", dir.to_str().unwrap(), "--url", "redis://127.0.0.1:1/"]);
    assert_eq!(o.status.code(), Some(1), "compile errors come first: {}", stderr(&o));
    assert!(!stderr(&o).contains("cannot connect"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}
