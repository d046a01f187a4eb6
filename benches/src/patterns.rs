//! The server-cost rows: the ten cookbook patterns, each against its hand-written Lua
//! (`benches/lua/`), and the size of the generated Lua beside the hand-written one.

use crate::{banking, bank, buckets, c_con, capped_increment, compare, fixed_window, kv, last_usec, locks, windows, Row, Settings};
use redis::Commands;
use redlua::testing::TestServer;
use std::sync::atomic::{AtomicU64, Ordering};

/// The hand-written baselines, as loaded: libraries for functions, scripts for scripts.
const HAND_BANK: &str = include_str!("../lua/bank.lua");
const HAND_LOCKS: &str = include_str!("../lua/locks.lua");
const HAND_KV: &str = include_str!("../lua/kv.lua");
const HAND_BANKING: &str = include_str!("../lua/banking.lua");
const HAND_BUCKETS: &str = include_str!("../lua/buckets.lua");
const HAND_WINDOWS: &str = include_str!("../lua/windows.lua");
const HAND_CAPPED_INCREMENT: &str = include_str!("../lua/capped_increment.lua");
const HAND_FIXED_WINDOW: &str = include_str!("../lua/fixed_window.lua");

/// One pattern's runs: (throughput ratio, usec_per_call ours, usec_per_call base) per run.
pub(crate) struct Pattern {
    name: &'static str,
    runs: Vec<(f64, f64, f64)>,
}

impl Pattern {
    /// The `usec_per_call` ratios (base / ours: above 1 when ours is cheaper) of every run.
    pub(crate) fn usec_ratios(&self) -> Vec<f64> {
        self.runs.iter().map(|&(_, ours, base)| base / ours).collect()
    }

    pub(crate) fn row(&self) -> Row {
        let usec = self.usec_ratios();
        let median = median(&usec);
        let (lo, hi) = usec.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        let runs: Vec<String> = self.runs.iter().map(|&(thr, ours, base)| format!("{:.3} ({ours:.2} vs {base:.2} µs), throughput {thr:.3}", base / ours)).collect();
        Row {
            group: "server cost",
            name: self.name.to_string(),
            ratio: median,
            detail: format!("usec_per_call ratio, median of {} runs (spread {lo:.3} to {hi:.3}): {}", usec.len(), runs.join("; ")),
            target: Some(0.97),
        }
    }
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

fn load_function(con: &mut redis::Connection, code: &str) {
    redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(code).query::<String>(con).expect("load a hand-written library");
}

fn load_script(con: &mut redis::Connection, code: &str) -> String {
    redis::cmd("SCRIPT").arg("LOAD").arg(code).query(con).expect("load a hand-written script")
}

fn fcall<T: redis::FromRedisValue>(con: &mut redis::Connection, f: &str, keys: &[&str], args: &[&str]) -> Result<(), redlua::Error> {
    let mut c = redis::cmd(if f.ends_with("get_or") || f.ends_with("balance") { "FCALL_RO" } else { "FCALL" });
    c.arg(f).arg(keys.len()).arg(keys);
    c.arg(args);
    c.query::<T>(con).map(|_| ()).map_err(redlua::Error::from)
}

fn evalsha(con: &mut redis::Connection, sha: &str, keys: &[&str], args: &[&str]) -> Result<(), redlua::Error> {
    let mut c = redis::cmd("EVALSHA");
    c.arg(sha).arg(keys.len()).arg(keys);
    c.arg(args);
    c.query::<redis::Value>(con).map(|_| ()).map_err(redlua::Error::from)
}

/// Runs every pattern `s.runs` times against its baseline; `only` filters by number.
pub(crate) fn server_patterns(s: &Settings, client: &redis::Client, con: &mut redis::Connection) -> Vec<Pattern> {
    let only: Option<Vec<u32>> = std::env::args().skip_while(|a| a != "--patterns").nth(1).map(|l| l.split(',').filter_map(|n| n.parse().ok()).collect::<Vec<u32>>()).filter(|l| !l.is_empty());
    let want = |n: u32| only.as_ref().map_or(true, |o| o.contains(&n));
    let ss = Settings { slice: s.server_slice, rounds: s.rounds, clients: s.clients, server_slice: s.server_slice, runs: s.runs };
    for lib in [&bank::LIBRARY, &locks::LIBRARY, &kv::LIBRARY, &buckets::LIBRARY, &windows::LIBRARY] {
        lib.load(con).expect("load a generated library");
    }
    fixed_window::SCRIPT.load(con).expect("load fixed_window");
    capped_increment::SCRIPT.load(con).expect("load capped_increment");
    for code in [HAND_BANK, HAND_LOCKS, HAND_KV, HAND_BUCKETS, HAND_WINDOWS] {
        load_function(con, code);
    }
    let capped_sha = load_script(con, HAND_CAPPED_INCREMENT);
    let window_sha = load_script(con, HAND_FIXED_WINDOW);
    // `banking` registers `transfer` and `get_or` like `bank` and `kv`: its own server.
    let server2 = TestServer::builder().arg("--maxclients").arg("1000").start().expect("second redis-server");
    let client2 = server2.client().expect("client");
    let mut con2 = client2.get_connection().expect("connection");
    banking::LIBRARY.load(&mut con2).expect("load banking");
    load_function(&mut con2, HAND_BANKING);

    for c in 0..s.clients {
        for (ns, side) in [("r", "a"), ("r", "b"), ("l", "a"), ("l", "b")] {
            let _: () = con.set(format!("{ns}:{{{c}}}:{side}"), 1_000_000_000i64).expect("set");
            let _: () = con2.set(format!("{ns}:{{{c}}}:{side}"), 1_000_000_000i64).expect("set");
        }
        for ns in ["r", "l"] {
            let _: () = con.set(format!("{ns}:{{{c}}}:kv"), "a value of some length").expect("set");
            let _: () = con.set(format!("{ns}:{{{c}}}:held"), "me").expect("set");
        }
    }
    let clock = AtomicU64::new(1_700_000_000_000);
    let mut out = Vec::new();
    let mut run = |n: u32, name: &'static str, client: &redis::Client, ours: &(dyn Fn(usize, u64) -> Result<(), redlua::Error> + Sync), base: &(dyn Fn(usize, u64) -> Result<(), redlua::Error> + Sync)| {
        if !want(n) {
            return;
        }
        let mut runs = Vec::new();
        for _ in 0..s.runs {
            let (a, b) = compare(&ss, client, ours, base);
            let (ua, ub) = last_usec();
            runs.push((a / b, ua, ub));
        }
        let p = Pattern { name, runs };
        println!("{:<40} {}", name, p.usec_ratios().iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(" "));
        out.push(p);
    };
    let dir = |i: u64| if i % 2 == 0 { ("a", "b") } else { ("b", "a") };

    run(1, "pattern 1, capped increment (EVALSHA)", client, &|c, _| capped_increment(format!("r:{{{c}}}:ci"), i64::from(i32::MAX)).call(c_con(c)).map(|_| ()), &|c, _| {
        evalsha(c_con(c), &capped_sha, &[&format!("l:{{{c}}}:ci")], &[&i32::MAX.to_string()])
    });
    run(2, "pattern 2, transfer (FCALL)", client, &|c, i| {
        let (from, to) = dir(i);
        bank::transfer(format!("r:{{{c}}}:{from}"), format!("r:{{{c}}}:{to}"), 1).call(c_con(c)).map(|_| ())
    }, &|c, i| {
        let (from, to) = dir(i);
        fcall::<i64>(c_con(c), "hand_transfer", &[&format!("l:{{{c}}}:{from}"), &format!("l:{{{c}}}:{to}")], &["1"])
    });
    run(3, "pattern 3, acquire lock (FCALL)", client, &|c, i| locks::acquire(format!("r:{{{c}}}:lk{}", i % 1000), "me", 100).call(c_con(c)).map(|_| ()), &|c, i| {
        fcall::<i64>(c_con(c), "hand_acquire", &[&format!("l:{{{c}}}:lk{}", i % 1000)], &["me", "100"])
    });
    run(4, "pattern 4, release lock (FCALL)", client, &|c, i| locks::release(format!("r:{{{c}}}:lk{}", i % 1000), "me").call(c_con(c)).map(|_| ()), &|c, i| {
        fcall::<i64>(c_con(c), "hand_release", &[&format!("l:{{{c}}}:lk{}", i % 1000)], &["me"])
    });
    run(5, "pattern 5, fixed window (EVALSHA)", client, &|c, _| fixed_window(format!("r:{{{c}}}:w"), i64::from(i32::MAX), 60).call(c_con(c)).map(|_| ()), &|c, _| {
        evalsha(c_con(c), &window_sha, &[&format!("l:{{{c}}}:w")], &[&i32::MAX.to_string(), "60"])
    });
    run(6, "pattern 6, token bucket (FCALL)", client, &|c, _| {
        let now = clock.fetch_add(7, Ordering::Relaxed) as i64;
        buckets::take(format!("r:{{{c}}}:tb"), 100, 50.0, now, 1).call(c_con(c)).map(|_| ())
    }, &|c, _| {
        let now = clock.fetch_add(7, Ordering::Relaxed) as i64;
        fcall::<redis::Value>(c_con(c), "hand_take", &[&format!("l:{{{c}}}:tb")], &["100", "50.0", &now.to_string(), "1"])
    });
    run(7, "pattern 7, get with default (FCALL_RO)", client, &|c, _| kv::get_or(format!("r:{{{c}}}:kv"), "none").call(c_con(c)).map(|_| ()), &|c, _| {
        fcall::<String>(c_con(c), "hand_get_or", &[&format!("l:{{{c}}}:kv")], &["none"])
    });
    run(8, "pattern 8, banking transfer (FCALL)", &client2, &|c, i| {
        let (from, to) = dir(i);
        banking::transfer(format!("r:{{{c}}}:{from}"), format!("r:{{{c}}}:{to}"), 1).call(c_con(c)).map(|_| ())
    }, &|c, i| {
        let (from, to) = dir(i);
        fcall::<i64>(c_con(c), "hand_banking_transfer", &[&format!("l:{{{c}}}:{from}"), &format!("l:{{{c}}}:{to}")], &["1"])
    });
    run(9, "pattern 9, extend lock (FCALL)", client, &|c, _| locks::extend(format!("r:{{{c}}}:held"), "me", 100_000).call(c_con(c)).map(|_| ()), &|c, _| {
        fcall::<i64>(c_con(c), "hand_extend", &[&format!("l:{{{c}}}:held")], &["me", "100000"])
    });
    run(10, "pattern 10, sliding window (FCALL)", client, &|c, i| {
        let now = clock.fetch_add(3, Ordering::Relaxed) as i64;
        windows::hit(format!("r:{{{c}}}:sw"), 50, 1_000, now, format!("q{i}")).call(c_con(c)).map(|_| ())
    }, &|c, i| {
        let now = clock.fetch_add(3, Ordering::Relaxed) as i64;
        fcall::<i64>(c_con(c), "hand_hit", &[&format!("l:{{{c}}}:sw")], &["50", "1000", &now.to_string(), &format!("q{i}")])
    });
    out
}

/// (library or script, bytes of the generated Lua, bytes of the hand-written Lua).
pub(crate) fn sizes() -> Vec<(&'static str, usize, usize)> {
    vec![
        ("capped_increment (1)", capped_increment::SCRIPT.code().len(), HAND_CAPPED_INCREMENT.len()),
        ("bank (2)", bank::LIBRARY.code().len(), HAND_BANK.len()),
        ("locks (3, 4, 9)", locks::LIBRARY.code().len(), HAND_LOCKS.len()),
        ("fixed_window (5)", fixed_window::SCRIPT.code().len(), HAND_FIXED_WINDOW.len()),
        ("buckets (6)", buckets::LIBRARY.code().len(), HAND_BUCKETS.len()),
        ("kv (7)", kv::LIBRARY.code().len(), HAND_KV.len()),
        ("banking (8, 7)", banking::LIBRARY.code().len(), HAND_BANKING.len()),
        ("windows (10)", windows::LIBRARY.code().len(), HAND_WINDOWS.len()),
    ]
}
