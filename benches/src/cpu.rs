//! The client's own CPU cost of a typed call against a raw `redis::cmd("FCALL_RO")` with
//! the same arguments, without I/O.
//!
//! Both sides run their real code path (`FunctionCall::call`, `call_async`,
//! `add_to` + `redis::Pipeline::query`, `redlua::Pipeline::query`; `Cmd::query`,
//! `query_async`) against a connection that packs the request as a real one does and
//! answers with a canned reply. What remains is building the request, packing it and
//! decoding the reply; reading and parsing the reply bytes is left out (the same on both
//! sides). Many short rounds of both sides are interleaved in one process, the order
//! alternating, and the median of the rounds is kept, so that the machine's noise hits
//! both sides alike. Then the stub's extra nanoseconds are set against one round trip of
//! the raw command to the local server, measured in the same run (the fastest of several
//! rounds, the one closest to a quiet machine's): that fraction is what the end-to-end
//! ratio would show on a quiet machine.

use crate::Row;
use redis::{RedisResult, Value};
use redlua_examples::transfer::bank;
use std::hint::black_box;
use std::time::Instant;

/// A sync connection that packs nothing more than `Cmd::query` gives it and answers every
/// request with `reply`.
struct Canned {
    reply: Value,
    sent: usize,
}

impl redis::ConnectionLike for Canned {
    fn req_packed_command(&mut self, cmd: &[u8]) -> RedisResult<Value> {
        self.sent += black_box(cmd).len();
        Ok(self.reply.clone())
    }
    fn req_packed_commands(&mut self, cmd: &[u8], _offset: usize, count: usize) -> RedisResult<Vec<Value>> {
        self.sent += black_box(cmd).len();
        Ok(vec![self.reply.clone(); count])
    }
    fn get_db(&self) -> i64 {
        0
    }
    fn check_connection(&mut self) -> bool {
        true
    }
    fn is_open(&self) -> bool {
        true
    }
}

/// An async connection that packs the command (as `MultiplexedConnection` does) and
/// answers with `reply`.
struct CannedAsync {
    reply: Value,
    sent: usize,
}

impl redis::aio::ConnectionLike for CannedAsync {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a redis::Cmd) -> redis::RedisFuture<'a, Value> {
        Box::pin(async move {
            self.sent += black_box(cmd.get_packed_command()).len();
            Ok(self.reply.clone())
        })
    }
    fn req_packed_commands<'a>(&'a mut self, pipe: &'a redis::Pipeline, _offset: usize, count: usize) -> redis::RedisFuture<'a, Vec<Value>> {
        Box::pin(async move {
            self.sent += black_box(pipe.get_packed_pipeline()).len();
            Ok(vec![self.reply.clone(); count])
        })
    }
    fn get_db(&self) -> i64 {
        0
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Nanoseconds per unit of `a` and of `b` (both given `con`): `rounds` rounds, each
/// timing `a` and `b` once (in alternating order); the medians.
fn interleave<C>(rounds: u32, per: f64, con: &mut C, mut a: impl FnMut(&mut C), mut b: impl FnMut(&mut C)) -> (f64, f64) {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    let time = |f: &mut dyn FnMut(&mut C), con: &mut C| {
        let t = Instant::now();
        f(con);
        t.elapsed().as_nanos() as f64 / per
    };
    for r in 0..rounds {
        if r % 2 == 0 {
            xs.push(time(&mut a, con));
            ys.push(time(&mut b, con));
        } else {
            ys.push(time(&mut b, con));
            xs.push(time(&mut a, con));
        }
    }
    (median(xs), median(ys))
}

/// Nanoseconds per unit of `f` in its fastest of `rounds` rounds: the round trip closest
/// to a quiet machine's, which makes the stub's share of it the largest (conservative).
fn fastest_ns(rounds: u32, per: f64, mut f: impl FnMut()) -> f64 {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_nanos() as f64 / per
        })
        .fold(f64::INFINITY, f64::min)
}

/// One row: the stub's and the raw side's CPU, and the ratio the end-to-end figure would
/// show when the raw call takes `rtt` ns per call (its round trip, its own CPU included)
/// and the stub `extra` ns more.
fn row(name: String, stub: f64, raw: f64, rtt: f64, rtt_what: &str, target: Option<f64>) -> Row {
    let extra = stub - raw;
    let implied = rtt / (rtt + extra);
    Row {
        group: "client CPU",
        name,
        ratio: implied,
        detail: format!(
            "{stub:.0} vs {raw:.0} ns per call of client CPU (ratio {:.3}); stub adds {extra:.0} ns = {:.2}% of {rtt_what} of {:.1} µs, so the end-to-end ratio would be {implied:.3}",
            raw / stub,
            extra / rtt * 100.0,
            rtt / 1000.0
        ),
        target,
    }
}

/// The client-CPU rows; `client` reaches the benchmark's server for the round trips.
pub fn rows(quick: bool, client: &redis::Client) -> Vec<Row> {
    let mut out = Vec::new();
    let rounds: u32 = if quick { 20 } else { 200 };
    let n = if quick { 2_000 } else { 5_000 };
    let rt_rounds: u32 = if quick { 5 } else { 21 };
    let rt_n = if quick { 200 } else { 1_000 };
    let key = "acct:{cpu}";
    let (from, to) = ("acct:{cpu}:a", "acct:{cpu}:b");
    let mut con = client.get_connection().expect("connection");
    bank::LIBRARY.load(&mut con).expect("load bank");
    redis::cmd("SET").arg(key).arg(42).exec(&mut con).expect("set");
    redis::cmd("SET").arg(from).arg(1_000_000_000i64).exec(&mut con).expect("set");
    let mut canned = Canned { reply: Value::Int(42), sent: 0 };

    // Sync single calls: FCALL_RO balance(key) -> i64.
    let (stub, raw) = interleave(
        rounds,
        n as f64,
        &mut canned,
        |canned| {
            for _ in 0..n {
                let v: i64 = black_box(bank::balance(black_box(key))).call(canned).expect("call");
                black_box(v);
            }
        },
        |canned| {
            for _ in 0..n {
                let v: i64 = redis::cmd("FCALL_RO").arg("balance").arg(1).arg(black_box(key)).query(canned).expect("fcall");
                black_box(v);
            }
        },
    );
    let rtt = fastest_ns(rt_rounds, rt_n as f64, || {
        for _ in 0..rt_n {
            let v: i64 = redis::cmd("FCALL_RO").arg("balance").arg(1).arg(key).query(&mut con).expect("fcall");
            black_box(v);
        }
    });
    out.push(row("sync single call (balance)".into(), stub, raw, rtt, "a sync round trip", Some(0.97)));

    // Sync single calls with an integer argument: FCALL transfer(from, to, 1) -> bool.
    canned.reply = Value::Int(1);
    let (stub, raw) = interleave(
        rounds,
        n as f64,
        &mut canned,
        |canned| {
            for _ in 0..n {
                let v: bool = black_box(bank::transfer(black_box(from), black_box(to), black_box(1))).call(canned).expect("call");
                black_box(v);
            }
        },
        |canned| {
            for _ in 0..n {
                let v: bool = redis::cmd("FCALL").arg("transfer").arg(2).arg(black_box(from)).arg(black_box(to)).arg(black_box(1i64)).query(canned).expect("fcall");
                black_box(v);
            }
        },
    );
    let rtt_t = fastest_ns(rt_rounds, rt_n as f64, || {
        for _ in 0..rt_n {
            let v: bool = redis::cmd("FCALL").arg("transfer").arg(2).arg(from).arg(to).arg(1).query(&mut con).expect("fcall");
            black_box(v);
        }
    });
    out.push(row("sync single call (transfer, 3 args)".into(), stub, raw, rtt_t, "a sync round trip", None));
    canned.reply = Value::Int(42);

    // Async single calls, on a current-thread runtime.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio");
    let mut acanned = CannedAsync { reply: Value::Int(42), sent: 0 };
    let (stub, raw) = interleave(
        rounds,
        n as f64,
        &mut acanned,
        |c| {
            rt.block_on(async {
                for _ in 0..n {
                    let v: i64 = black_box(bank::balance(black_box(key))).call_async(c).await.expect("call");
                    black_box(v);
                }
            })
        },
        |c| {
            rt.block_on(async {
                for _ in 0..n {
                    let v: i64 = redis::cmd("FCALL_RO").arg("balance").arg(1).arg(black_box(key)).query_async(c).await.expect("fcall");
                    black_box(v);
                }
            })
        },
    );
    let rtt_a = rt.block_on(async {
        let mut a = client.get_multiplexed_async_connection().await.expect("async connection");
        let mut v = Vec::new();
        for _ in 0..rt_rounds {
            let t = Instant::now();
            for _ in 0..rt_n {
                let x: i64 = redis::cmd("FCALL_RO").arg("balance").arg(1).arg(key).query_async(&mut a).await.expect("fcall");
                black_box(x);
            }
            v.push(t.elapsed().as_nanos() as f64 / rt_n as f64);
        }
        v.into_iter().fold(f64::INFINITY, f64::min)
    });
    out.push(row("async single call (balance)".into(), stub, raw, rtt_a, "an async round trip", Some(0.97)));

    // Pipelines of 100, per call.
    let batch = 100;
    let pipes = (n / batch).max(1);
    let per = (pipes * batch) as f64;
    let raw_pipe = |c: &mut dyn redis::ConnectionLike| {
        let mut p = redis::pipe();
        for _ in 0..batch {
            p.cmd("FCALL_RO").arg("balance").arg(1).arg(black_box(key));
        }
        let v: Vec<i64> = p.query(c).expect("pipeline");
        black_box(v);
    };
    let (stub, raw) = interleave(
        rounds,
        per,
        &mut canned,
        |c| {
            for _ in 0..pipes {
                let mut p = redis::pipe();
                for _ in 0..batch {
                    bank::balance(black_box(key)).add_to(&mut p);
                }
                let v: Vec<i64> = p.query(c).expect("pipeline");
                black_box(v);
            }
        },
        |c| {
            for _ in 0..pipes {
                raw_pipe(c);
            }
        },
    );
    let rtt_p = fastest_ns(rt_rounds, (rt_n / batch * batch) as f64, || {
        for _ in 0..rt_n / batch {
            raw_pipe(&mut con);
        }
    });
    out.push(row(format!("typed calls in a redis::Pipeline of {batch}"), stub, raw, rtt_p, "a pipelined round trip", Some(0.97)));

    let (stub, raw) = interleave(
        rounds,
        per,
        &mut canned,
        |c| {
            for _ in 0..pipes {
                let mut p = redlua::Pipeline::new();
                p.assume_loaded();
                let hs: Vec<_> = (0..batch).map(|_| p.add(bank::balance(black_box(key)))).collect();
                let replies = p.query(c).expect("pipeline");
                for h in hs {
                    black_box(replies.get(h).expect("reply"));
                }
            }
        },
        |c| {
            for _ in 0..pipes {
                raw_pipe(c);
            }
        },
    );
    out.push(row(format!("redlua::Pipeline of {batch}, assume_loaded"), stub, raw, rtt_p, "a pipelined round trip", None));
    black_box(canned.sent + acanned.sent);
    out
}
