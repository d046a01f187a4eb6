//! redlua's benchmarks, run with `cargo xtask bench` (or `--quick` for a smoke run).
//!
//! Every figure is a ratio of two things measured in the same run on the same server,
//! interleaved in rounds so that the machine's noise hits both sides alike; the raw
//! figures are printed beside each ratio.

use redis::{Commands, ConnectionLike};
use redlua::testing::TestServer;
use redlua_examples::banking::banking;
use redlua_examples::capped_increment::capped_increment;
use redlua_examples::get_with_default::kv;
use redlua_examples::locks::locks;
use redlua_examples::rate_limit::fixed_window;
use redlua_examples::sliding_window::windows;
use redlua_examples::token_bucket::buckets;
use redlua_examples::transfer::bank;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod cpu;
mod patterns;

use patterns::{server_patterns, sizes};

#[redlua::library(name = "bench_trivial")]
mod trivial {
    use redlua::prelude::*;

    /// The cheapest function: the server's limit for FCALL.
    #[redis_function(read_only)]
    pub fn one() -> i64 {
        1
    }
}

impl Row {
    /// Whether the target is an upper bound (sizes) rather than a lower one.
    fn at_most(&self) -> bool {
        self.group == "size"
    }
}

pub(crate) struct Settings {
    /// Length of one measured slice.
    slice: Duration,
    /// Interleaved rounds per comparison.
    rounds: u32,
    /// Concurrent clients for server-side figures.
    clients: usize,
    /// Length of one measured slice of the server-cost rows.
    server_slice: Duration,
    /// Full comparisons per server-cost row (the spread between them is reported).
    runs: usize,
}

pub(crate) struct Row {
    group: &'static str,
    name: String,
    ratio: f64,
    detail: String,
    target: Option<f64>,
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let report = std::env::args().skip_while(|a| a != "--report").nth(1);
    let s = if quick {
        Settings { slice: Duration::from_millis(200), rounds: 2, clients: 4, server_slice: Duration::from_millis(150), runs: 1 }
    } else {
        Settings { slice: Duration::from_millis(1500), rounds: 4, clients: 8, server_slice: Duration::from_millis(600), runs: 3 }
    };
    let server = TestServer::builder().arg("--maxclients").arg("1000").start().unwrap_or_else(|e| {
        eprintln!("cannot start redis-server: {e}");
        std::process::exit(1)
    });
    let client = server.client().expect("client");
    let mut con = client.get_connection().expect("connection");
    let version: String = redis::cmd("INFO").arg("server").query::<String>(&mut con).map(|i| i.lines().find(|l| l.starts_with("redis_version") || l.starts_with("valkey_version")).unwrap_or("").to_string()).unwrap_or_default();
    println!("redlua benchmarks ({}), server {version}, {} clients, {} rounds of {:?}\n", if quick { "quick" } else { "full" }, s.clients, s.rounds, s.slice);

    bank::LIBRARY.load(&mut con).expect("load bank");
    trivial::LIBRARY.load(&mut con).expect("load trivial");

    let mut rows = Vec::new();

    // `--client-cpu`: only the client's CPU cost (a few seconds), for work on the stubs.
    if std::env::args().any(|a| a == "--client-cpu") {
        rows.extend(cpu::rows(quick, &client));
        print_rows(&rows);
        return;
    }

    // --- server cost: generated Lua vs hand-written Lua --------------------------------
    // Each cookbook pattern against its hand-written baseline (benches/lua/), loaded the
    // same way: FCALL against a hand-written library for functions, EVALSHA against a
    // hand-written script for scripts. `runs` full comparisons per pattern; the row gives
    // the median `usec_per_call` ratio and every run's figures.
    let patterns = server_patterns(&s, &client, &mut con);
    rows.extend(patterns.iter().map(|p| p.row()));
    for (lib, ours, hand) in sizes() {
        rows.push(Row {
            group: "size",
            name: format!("{lib}: generated / hand-written Lua"),
            ratio: ours as f64 / hand as f64,
            detail: format!("{ours} vs {hand} bytes"),
            target: Some(2.0),
        });
    }
    if std::env::args().any(|a| a == "--patterns") {
        print_rows(&rows);
        write_report(report.as_deref(), &rows);
        return;
    }

    // --- the server's limit ------------------------------------------------------------
    let (transfer_rate, trivial_rate) = compare(&s, &client, |c, i| {
        let (from, to) = if i % 2 == 0 { ("a", "b") } else { ("b", "a") };
        bank::transfer(format!("r:{{{c}}}:{from}"), format!("r:{{{c}}}:{to}"), 1).call(c_con(c)).map(|_| ())
    }, |c, _| trivial::one().call(c_con(c)).map(|_| ()));
    rows.push(Row {
        group: "server limit",
        name: "transfer / trivial FCALL".into(),
        ratio: transfer_rate / trivial_rate,
        detail: format!("{transfer_rate:.0} vs {trivial_rate:.0} calls/s"),
        target: None,
    });

    // --- client overhead: typed stub vs raw FCALL ----------------------------------------
    let _: () = con.set("acct:{o}", 42).expect("set");
    let n = if quick { 2_000 } else { 20_000 };
    let (ours, raw) = alternate(s.rounds, || {
        timed(n, |_| bank::balance("acct:{o}").call(&mut con).map(|_| ()))
    }, || {
        let mut c2 = client.get_connection().expect("connection");
        timed(n, |_| redis::cmd("FCALL_RO").arg("balance").arg(1).arg("acct:{o}").query::<i64>(&mut c2).map(|_| ()).map_err(redlua::Error::from))
    });
    rows.push(Row { group: "client overhead", name: "sync single calls".into(), ratio: ours / raw, detail: format!("{ours:.0} vs {raw:.0} calls/s"), target: Some(0.97) });

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio");
    let (ours, raw) = rt.block_on(async {
        let mut a = client.get_multiplexed_async_connection().await.expect("async connection");
        let mut ours = 0.0;
        let mut raw = 0.0;
        for _ in 0..s.rounds {
            let t = Instant::now();
            for _ in 0..n {
                let _: i64 = bank::balance("acct:{o}").call_async(&mut a).await.expect("call");
            }
            ours += n as f64 / t.elapsed().as_secs_f64();
            let t = Instant::now();
            for _ in 0..n {
                let _: i64 = redis::cmd("FCALL_RO").arg("balance").arg(1).arg("acct:{o}").query_async(&mut a).await.expect("fcall");
            }
            raw += n as f64 / t.elapsed().as_secs_f64();
        }
        (ours / s.rounds as f64, raw / s.rounds as f64)
    });
    rows.push(Row { group: "client overhead", name: "async single calls".into(), ratio: ours / raw, detail: format!("{ours:.0} vs {raw:.0} calls/s"), target: Some(0.97) });

    let batch = 100;
    let pipes = n / batch;
    let raw_pipe = |c2: &mut redis::Connection| {
        timed(pipes, |_| {
            let mut p = redis::pipe();
            for _ in 0..batch {
                p.cmd("FCALL_RO").arg("balance").arg(1).arg("acct:{o}");
            }
            p.query::<Vec<i64>>(c2).map(|_| ()).map_err(redlua::Error::from)
        }) * batch as f64
    };
    let mut c2 = client.get_connection().expect("connection");
    let (ours, raw) = alternate(s.rounds, || {
        timed(pipes, |_| {
            let mut p = redis::pipe();
            for _ in 0..batch {
                bank::balance("acct:{o}").add_to(&mut p);
            }
            p.query::<Vec<i64>>(&mut con).map(|_| ()).map_err(redlua::Error::from)
        }) * batch as f64
    }, || raw_pipe(&mut c2));
    rows.push(Row { group: "client overhead", name: format!("typed calls in a redis::Pipeline of {batch}"), ratio: ours / raw, detail: format!("{ours:.0} vs {raw:.0} calls/s"), target: Some(0.97) });
    let (ours, raw) = alternate(s.rounds, || {
        timed(pipes, |_| {
            let mut p = redlua::Pipeline::new();
            p.assume_loaded();
            for _ in 0..batch {
                p.add(bank::balance("acct:{o}"));
            }
            p.query(&mut con).map(|_| ())
        }) * batch as f64
    }, || raw_pipe(&mut c2));
    rows.push(Row { group: "client overhead", name: format!("redlua::Pipeline of {batch}, assume_loaded"), ratio: ours / raw, detail: format!("{ours:.0} vs {raw:.0} calls/s (typed replies, recovery)"), target: None });
    let (ours, raw) = alternate(s.rounds, || {
        timed(pipes, |_| {
            let mut p = redlua::Pipeline::new();
            for _ in 0..batch {
                p.add(bank::balance("acct:{o}"));
            }
            p.query(&mut con).map(|_| ())
        }) * batch as f64
    }, || raw_pipe(&mut c2));
    rows.push(Row { group: "client overhead", name: format!("redlua::Pipeline of {batch}, checked"), ratio: ours / raw, detail: format!("{ours:.0} vs {raw:.0} calls/s (one more round trip: FUNCTION LIST .. WITHCODE)"), target: None });

    // --- client CPU: the same calls without I/O, and what they imply end to end -----------
    rows.extend(cpu::rows(quick, &client));

    // --- contention: a function vs a WATCH + MULTI/EXEC retry loop ----------------------
    let clients = 32;
    let _: () = con.set("hot:{h}:a", 1_000_000i64).expect("set");
    let _: () = con.set("hot:{h}:b", 1_000_000i64).expect("set");
    let dur = s.slice * s.rounds;
    let (ours_rate, _) = hammer(&client, clients, dur, |c, i| {
        let (from, to) = if i % 2 == 0 { ("hot:{h}:a", "hot:{h}:b") } else { ("hot:{h}:b", "hot:{h}:a") };
        bank::transfer(from, to, 1).call(c).map(|_| 0)
    });
    let (watch_rate, retries) = hammer(&client, clients, dur, |c, i| {
        let (from, to) = if i % 2 == 0 { ("hot:{h}:a", "hot:{h}:b") } else { ("hot:{h}:b", "hot:{h}:a") };
        let mut retries = 0;
        loop {
            redis::cmd("WATCH").arg(from).arg(to).query::<()>(c)?;
            let balance: i64 = redis::cmd("GET").arg(from).query::<Option<i64>>(c)?.unwrap_or(0);
            if balance < 1 {
                redis::cmd("UNWATCH").query::<()>(c)?;
                return Ok(retries);
            }
            let r: Option<(i64, i64)> = redis::pipe().atomic().cmd("DECRBY").arg(from).arg(1).cmd("INCRBY").arg(to).arg(1).query(c)?;
            if r.is_some() {
                return Ok(retries);
            }
            retries += 1;
        }
    });
    let a: i64 = con.get("hot:{h}:a").expect("get");
    let b: i64 = con.get("hot:{h}:b").expect("get");
    assert_eq!(a + b, 2_000_000, "a transfer was lost or doubled");
    rows.push(Row {
        group: "contention",
        name: format!("{clients} clients on 2 hot accounts"),
        ratio: ours_rate / watch_rate,
        detail: format!("{ours_rate:.0} vs {watch_rate:.0} transfers/s; WATCH retries per success {:.2}; total conserved", retries as f64 / (watch_rate * dur.as_secs_f64()).max(1.0)),
        target: Some(20.0),
    });

    // --- recovery cost: the first call after FUNCTION FLUSH -------------------------------
    let reps = if quick { 10 } else { 50 };
    let mut counting = Counting { inner: client.get_connection().expect("connection"), requests: 0 };
    let steady = timed(reps * 10, |_| bank::balance("acct:{o}").call(&mut counting).map(|_| ()));
    counting.requests = 0;
    let mut first = Duration::ZERO;
    for _ in 0..reps {
        redis::cmd("FUNCTION").arg("FLUSH").query::<()>(&mut con).expect("flush");
        let t = Instant::now();
        let _: i64 = bank::balance("acct:{o}").call(&mut counting).expect("recovered call");
        first += t.elapsed();
    }
    let first_ms = first.as_secs_f64() * 1000.0 / reps as f64;
    let steady_ms = 1000.0 / steady;
    rows.push(Row {
        group: "recovery",
        name: "first call after FUNCTION FLUSH".into(),
        ratio: first_ms / steady_ms,
        detail: format!("{first_ms:.3} ms vs {steady_ms:.3} ms; {} round trips instead of 1", counting.requests as f64 / reps as f64),
        target: None,
    });

    // --- compile time ------------------------------------------------------------------
    let (per_fn, total) = compile_cost(50, if quick { 3 } else { 10 });
    rows.push(Row {
        group: "compile time",
        name: "macro expansion, 50 functions".into(),
        ratio: per_fn,
        detail: format!("{total:.1} ms per library of 50 functions, {per_fn:.3} ms per function (figure in ms, not a ratio)"),
        target: None,
    });

    // The rebuild comparison builds two small crates (their dependencies once): on by
    // default, off in --quick mode unless asked for with --build.
    if !quick || std::env::args().any(|a| a == "--build") {
        match build_cost(n_build_reps(quick)) {
            Ok((with, without)) => rows.push(Row {
                group: "compile time",
                name: "rebuild of a crate of 50 functions".into(),
                ratio: with / without,
                detail: format!("{with:.2} s with #[redlua::library] vs {without:.2} s for the same functions as plain Rust"),
                target: None,
            }),
            Err(e) => eprintln!("build-time comparison skipped: {e}"),
        }
    }

    print_rows(&rows);
    write_report(report.as_deref(), &rows);
}

fn write_report(path: Option<&str>, rows: &[Row]) {
    if let Some(path) = path {
        let mut md = String::from("| group | figure | ratio | raw figures | target |\n|---|---|---|---|---|\n");
        for r in rows {
            md.push_str(&format!("| {} | {} | {:.3} | {} | {} |\n", r.group, r.name, r.ratio, r.detail, r.target.map_or("".into(), |t| format!("{} {t}", if r.at_most() { "≤" } else { "≥" }))));
        }
        std::fs::write(path, md).expect("write report");
        println!("\nreport written to {path}");
    }
}

thread_local! {
    static CON: std::cell::RefCell<Option<redis::Connection>> = const { std::cell::RefCell::new(None) };
}

/// The calling worker's own connection (see `compare`).
pub(crate) fn c_con(_c: usize) -> &'static mut redis::Connection {
    CON.with(|c| {
        let p = c.borrow_mut().as_mut().map(|c| c as *mut redis::Connection).expect("worker connection");
        // SAFETY: each worker thread owns its connection for its whole life and only one
        // call uses it at a time.
        unsafe { &mut *p }
    })
}

/// Throughput (calls/s) of `ours` and `base` with `s.clients` concurrent clients,
/// interleaved over `s.rounds` rounds.
pub(crate) fn compare(
    s: &Settings,
    client: &redis::Client,
    ours: impl Fn(usize, u64) -> Result<(), redlua::Error> + Sync,
    base: impl Fn(usize, u64) -> Result<(), redlua::Error> + Sync,
) -> (f64, f64) {
    let mut totals = (0u64, 0u64);
    let mut con = client.get_connection().expect("connection");
    let mut usec = (0.0, 0.0);
    for _ in 0..s.rounds {
        let _ = redis::cmd("CONFIG").arg("RESETSTAT").query::<()>(&mut con);
        totals.0 += slice(s, client, &ours);
        usec.0 += script_usec(&mut con);
        let _ = redis::cmd("CONFIG").arg("RESETSTAT").query::<()>(&mut con);
        totals.1 += slice(s, client, &base);
        usec.1 += script_usec(&mut con);
    }
    LAST_USEC.with(|u| u.set((usec.0 / s.rounds as f64, usec.1 / s.rounds as f64)));
    let secs = s.slice.as_secs_f64() * s.rounds as f64;
    (totals.0 as f64 / secs, totals.1 as f64 / secs)
}

thread_local! {
    /// `usec_per_call` of the two sides of the last `compare`.
    static LAST_USEC: std::cell::Cell<(f64, f64)> = const { std::cell::Cell::new((0.0, 0.0)) };
}

/// `usec_per_call` (ours, base) of the last `compare` on this thread.
pub(crate) fn last_usec() -> (f64, f64) {
    LAST_USEC.with(|u| u.get())
}

/// The server's `usec_per_call` of the FCALL / EVALSHA calls since the last reset.
fn script_usec(con: &mut redis::Connection) -> f64 {
    let stats: String = redis::cmd("INFO").arg("commandstats").query(con).unwrap_or_default();
    let (mut calls, mut usec) = (0.0, 0.0);
    for l in stats.lines().filter(|l| ["cmdstat_fcall:", "cmdstat_fcall_ro:", "cmdstat_evalsha:", "cmdstat_evalsha_ro:"].iter().any(|p| l.starts_with(p))) {
        for part in l.split(|c| c == ':' || c == ',') {
            if let Some(v) = part.strip_prefix("calls=") {
                calls += v.parse::<f64>().unwrap_or(0.0);
            }
            if let Some(v) = part.strip_prefix("usec=") {
                usec += v.parse::<f64>().unwrap_or(0.0);
            }
        }
    }
    if calls > 0.0 {
        usec / calls
    } else {
        f64::NAN
    }
}

fn slice(s: &Settings, client: &redis::Client, f: &(impl Fn(usize, u64) -> Result<(), redlua::Error> + Sync)) -> u64 {
    let stop = AtomicBool::new(false);
    let count = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for c in 0..s.clients {
            let (stop, count) = (&stop, &count);
            let con = client.get_connection().expect("connection");
            scope.spawn(move || {
                CON.with(|slot| *slot.borrow_mut() = Some(con));
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    f(c, i).expect("call");
                    i += 1;
                }
                count.fetch_add(i, Ordering::Relaxed);
                CON.with(|slot| *slot.borrow_mut() = None);
            });
        }
        std::thread::sleep(s.slice);
        stop.store(true, Ordering::Relaxed);
    });
    count.load(Ordering::Relaxed)
}

/// Runs `a` and `b` alternately `rounds` times; the mean of each.
fn alternate(rounds: u32, mut a: impl FnMut() -> f64, mut b: impl FnMut() -> f64) -> (f64, f64) {
    let (mut x, mut y) = (0.0, 0.0);
    for r in 0..rounds {
        // Each side goes first in every other round: the first of a pair would otherwise
        // always meet the connection and the caches in the state the other one left.
        if r % 2 == 0 {
            x += a();
            y += b();
        } else {
            y += b();
            x += a();
        }
    }
    (x / rounds as f64, y / rounds as f64)
}

/// Calls per second of `n` sequential calls.
fn timed(n: usize, mut f: impl FnMut(usize) -> Result<(), redlua::Error>) -> f64 {
    let t = Instant::now();
    for i in 0..n {
        f(i).expect("call");
    }
    n as f64 / t.elapsed().as_secs_f64()
}

/// `clients` threads calling `f` for `dur`; successes per second and the sum of what
/// `f` returned (retries).
fn hammer(client: &redis::Client, clients: usize, dur: Duration, f: impl Fn(&mut redis::Connection, u64) -> Result<u64, redlua::Error> + Sync) -> (f64, u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let done = AtomicU64::new(0);
    let extra = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for _ in 0..clients {
            let mut con = client.get_connection().expect("connection");
            let (stop, done, extra, f) = (&stop, &done, &extra, &f);
            scope.spawn(move || {
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let r = f(&mut con, i).expect("transfer");
                    extra.fetch_add(r, Ordering::Relaxed);
                    done.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            });
        }
        std::thread::sleep(dur);
        stop.store(true, Ordering::Relaxed);
    });
    (done.load(Ordering::Relaxed) as f64 / dur.as_secs_f64(), extra.load(Ordering::Relaxed))
}

/// Compiles a library of `n` functions `reps` times: (ms per function, ms per library).
fn compile_cost(n: usize, reps: u32) -> (f64, f64) {
    let mut src = String::from("mod bench {\n    use redlua::prelude::*;\n");
    for i in 0..n {
        src.push_str(&format!(
            "    #[redis_function]\n    pub fn f{i}(from: Key, to: Key, amount: i64) -> Result<bool, Reject> {{\n        if amount <= 0 {{ return Err(reject!(\"amount must be positive\")); }}\n        let balance = get::<i64>(&from).unwrap_or(0);\n        if balance < amount {{ return Ok(false); }}\n        decr_by(&from, amount);\n        incr_by(&to, amount);\n        Ok(true)\n    }}\n"
        ));
    }
    src.push_str("}\n");
    let attr: proc_macro2::TokenStream = "name = \"bench\"".parse().expect("attr");
    let item: proc_macro2::TokenStream = src.parse().expect("source");
    let t = Instant::now();
    for _ in 0..reps {
        let out = redlua_compiler::expand_library(attr.clone(), item.clone());
        assert!(!out.is_empty());
    }
    let per_lib = t.elapsed().as_secs_f64() * 1000.0 / reps as f64;
    (per_lib / n as f64, per_lib)
}

fn n_build_reps(quick: bool) -> u32 {
    if quick {
        1
    } else {
        3
    }
}

/// Rebuild time (touch + `cargo build`) of a crate of 50 functions with and without the
/// macro, alternated `reps` times: (seconds with, seconds without).
fn build_cost(reps: u32) -> Result<(f64, f64), String> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = root.canonicalize().map_err(|e| e.to_string())?;
    let base = std::env::temp_dir().join(format!("redlua-bench-crates-{}", std::process::id()));
    let mut body = String::new();
    for i in 0..50 {
        body.push_str(&format!(
            "    #[cfg_attr(feature = \"macro\", redis_function)]\n    pub fn f{i}(from: Key, to: Key, amount: i64) -> Result<bool, Reject> {{\n        if amount <= 0 {{ return Err(reject!(\"amount must be positive\")); }}\n        let balance = get::<i64>(&from).unwrap_or(0);\n        if balance < amount {{ return Ok(false); }}\n        decr_by(&from, amount);\n        incr_by(&to, amount);\n        Ok(true)\n    }}\n"
        ));
    }
    let make = |name: &str, with: bool| -> Result<std::path::PathBuf, String> {
        let dir = base.join(name);
        std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
        let attr = if with { "#[redlua::library(name = \"bench\")]\n" } else { "" };
        let body = if with { body.replace("#[cfg_attr(feature = \"macro\", redis_function)]", "#[redis_function]") } else { body.replace("    #[cfg_attr(feature = \"macro\", redis_function)]\n", "    #[allow(dead_code)]\n") };
        std::fs::write(dir.join("src/lib.rs"), format!("{attr}pub mod bench {{\n    #[allow(unused_imports)]\n    use redlua::prelude::*;\n{body}}}\n")).map_err(|e| e.to_string())?;
        std::fs::write(
            dir.join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\nredlua = {{ path = \"{}\" }}\n\n[workspace]\n", root.join("runtime").display()),
        )
        .map_err(|e| e.to_string())?;
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
        Ok(dir)
    };
    let with = make("with_redlua", true)?;
    let without = make("without_redlua", false)?;
    let target = root.join("target").join("bench-crates");
    let build = |dir: &std::path::Path| -> Result<f64, String> {
        let t = Instant::now();
        let st = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--offline"])
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(dir)
            .status()
            .map_err(|e| e.to_string())?;
        if !st.success() {
            return Err(format!("cargo build failed in {}", dir.display()));
        }
        Ok(t.elapsed().as_secs_f64())
    };
    // Warm up: the dependencies are built once.
    build(&with)?;
    build(&without)?;
    let (mut a, mut b) = (0.0, 0.0);
    for _ in 0..reps {
        let touch = |dir: &std::path::Path| {
            let p = dir.join("src/lib.rs");
            let s = std::fs::read_to_string(&p).unwrap_or_default();
            let _ = std::fs::write(&p, s + "\n");
        };
        touch(&with);
        a += build(&with)?;
        touch(&without);
        b += build(&without)?;
    }
    let _ = std::fs::remove_dir_all(&base);
    Ok((a / reps as f64, b / reps as f64))
}

/// Counts the requests a connection sends.
struct Counting {
    inner: redis::Connection,
    requests: u64,
}

impl ConnectionLike for Counting {
    fn req_packed_command(&mut self, cmd: &[u8]) -> redis::RedisResult<redis::Value> {
        self.requests += 1;
        self.inner.req_packed_command(cmd)
    }
    fn req_packed_commands(&mut self, cmd: &[u8], offset: usize, count: usize) -> redis::RedisResult<Vec<redis::Value>> {
        self.requests += 1;
        self.inner.req_packed_commands(cmd, offset, count)
    }
    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }
    fn check_connection(&mut self) -> bool {
        self.inner.check_connection()
    }
    fn is_open(&self) -> bool {
        self.inner.is_open()
    }
}

fn print_rows(rows: &[Row]) {
    println!("{:<16} {:<38} {:>9} {:>8}  raw figures", "group", "figure", "ratio", "target");
    for r in rows {
        let verdict = match r.target {
            Some(t) if r.at_most() && r.ratio <= t => format!("≤{t} ok"),
            Some(t) if r.at_most() => format!("≤{t} MISS"),
            Some(t) if r.ratio >= t => format!("≥{t} ok"),
            Some(t) => format!("≥{t} MISS"),
            None => String::new(),
        };
        println!("{:<16} {:<38} {:>9.3} {:>8}  {}", r.group, r.name, r.ratio, verdict, r.detail);
    }
}
