//! `cargo xtask mutants` and `cargo xtask record-replay`: mutation testing of the compiler.
//!
//! `mutants` runs [cargo-mutants](https://mutants.rs) over `compiler/src` (configuration in
//! `.cargo/mutants.toml`: the generated command table is left out), testing each mutant
//! with `cargo test -p redlua-compiler` alone. The oracle that makes this meaningful and
//! fast is the replay of recorded calls (`compiler/tests/replay.rs`): it needs only the
//! compiler crate and a redis-server, so a mutant rebuilds one crate, not the macros and
//! the integration tests. Extra arguments go to cargo-mutants (`-f compiler/src/lua.rs`,
//! `-j 2`, `--list`, ...). It runs under `nice` and is not part of `cargo xtask test`.
//!
//! `record-replay` regenerates that corpus (`compiler/tests/replay/*.case`) from the Lua
//! the compiler generates today: run it when a change of the Lua's meaning is intended
//! (and reviewed), and commit the corpus with the change.

use std::env;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

use crate::{cargo, find_on_path, run, server_binary};

/// The robustness proptest runs once per mutant: a tenth of its cases (unless
/// `REDLUA_ROBUSTNESS_SCALE` says otherwise) keeps a mutant's test run short.
const ROBUSTNESS_SCALE: &str = "10";

pub fn mutants(root: &Path, args: &[String]) -> ExitCode {
    match run_mutants(root, args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run_mutants(root: &Path, args: &[String]) -> Result<(), String> {
    ensure_cargo_mutants()?;
    if server_binary().is_none() && find_on_path("redis-server").is_none() {
        return Err("redis-server not found: the compiler's replay test (the oracle of every mutant) needs it; \
                    install it (`sudo apt-get install redis-server`)"
            .to_string());
    }
    let mut cmd = match find_on_path("nice") {
        // Other work goes on on the machine: mutants build in the background.
        Some(nice) => {
            let mut c = Command::new(nice);
            c.args(["-n", "10"]).arg(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
            c
        }
        None => cargo(),
    };
    cmd.args(["mutants", "--package", "redlua-compiler"]).args(args).current_dir(root);
    if env::var_os("REDLUA_ROBUSTNESS_SCALE").is_none() {
        cmd.env("REDLUA_ROBUSTNESS_SCALE", ROBUSTNESS_SCALE);
    }
    // No debug information: a mutant's build is mostly linking the test binaries.
    if env::var_os("CARGO_PROFILE_DEV_DEBUG").is_none() {
        cmd.env("CARGO_PROFILE_DEV_DEBUG", "0");
    }
    run(&mut cmd)
}

/// Finds cargo-mutants, installing it with `cargo install` when it is missing.
fn ensure_cargo_mutants() -> Result<(), String> {
    let found = cargo().args(["mutants", "--version"]).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    if found {
        return Ok(());
    }
    println!("cargo-mutants not found: installing it with `cargo install --locked cargo-mutants` (a few minutes)");
    run(cargo().args(["install", "--locked", "cargo-mutants"]))
}

pub fn record_replay(root: &Path, args: &[String]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask record-replay  (REDLUA_REPLAY_FILTER=<text> records only the matching files)");
        return ExitCode::from(2);
    }
    let mut cmd = cargo();
    cmd.args(["test", "-p", "redlua-compiler", "--test", "replay", "--", "--ignored", "--exact", "record", "--nocapture"]).current_dir(root);
    match run(&mut cmd) {
        Ok(()) => {
            println!("the corpus is in compiler/tests/replay: review `git diff compiler/tests/replay` and commit it with the change of the compiler");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
