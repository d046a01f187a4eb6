//! The comparison of one program on one input: the generated Lua on one server, the native
//! twin on another, from the same initial keyspace.
//!
//! Compared, in order: the outcome (the reply, or a rejection with its exact text, or an
//! error on both sides), then the whole keyspace (every key: its type, its full value and
//! whether it has a TTL), then the ordered list of commands each side sent, as `MONITOR`
//! shows them (the lines from `lua` on the Lua side, from the twin's connection on the
//! other; command names in lower case).
//!
//! A Lua error that says a value went beyond ±(2^53 − 1) where the twin (Rust's `i64`)
//! went on is the one documented deviation: it is counted as *explained*, not as a
//! difference.
//!
//! This module runs inside the generated test crate and in the regression tests
//! (`tests/integration/program_regressions.rs`).

use redlua::testing::TestServer;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A canonical text of a reply value: equal texts, equal values (floats by their exact
/// value, `NaN` equal to `NaN`, `-0.0` distinct from `0.0`; maps sorted by key).
pub trait Canon {
    fn canon(&self) -> String;
}

impl Canon for i64 {
    fn canon(&self) -> String {
        self.to_string()
    }
}

impl Canon for f64 {
    fn canon(&self) -> String {
        format!("{self:?}")
    }
}

impl Canon for bool {
    fn canon(&self) -> String {
        self.to_string()
    }
}

impl Canon for String {
    fn canon(&self) -> String {
        format!("{self:?}")
    }
}

impl Canon for () {
    fn canon(&self) -> String {
        "()".into()
    }
}

impl<T: Canon> Canon for Option<T> {
    fn canon(&self) -> String {
        match self {
            Some(v) => format!("Some({})", v.canon()),
            None => "None".into(),
        }
    }
}

impl<T: Canon> Canon for Vec<T> {
    fn canon(&self) -> String {
        let parts: Vec<String> = self.iter().map(Canon::canon).collect();
        format!("[{}]", parts.join(", "))
    }
}

impl<T: Canon> Canon for HashMap<String, T> {
    fn canon(&self) -> String {
        let mut parts: Vec<String> = self.iter().map(|(k, v)| format!("{k:?}: {}", v.canon())).collect();
        parts.sort();
        format!("{{{}}}", parts.join(", "))
    }
}

impl Canon for redlua::Value {
    fn canon(&self) -> String {
        format!("{self:?}")
    }
}

macro_rules! tuple_canon {
    ($($t:ident $i:tt),*) => {
        impl<$($t: Canon),*> Canon for ($($t,)*) {
            fn canon(&self) -> String {
                let parts: Vec<String> = vec![$(self.$i.canon()),*];
                format!("({})", parts.join(", "))
            }
        }
    };
}
tuple_canon!(A 0);
tuple_canon!(A 0, B 1);
tuple_canon!(A 0, B 1, C 2);
tuple_canon!(A 0, B 1, C 2, D 3);
tuple_canon!(A 0, B 1, C 2, D 3, E 4);

/// How one side ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A reply, canonical.
    Reply(String),
    /// A rejection (`reject!`): `CODE message`.
    Reject(String),
    /// An error reply (Lua) or a panic (twin), with its text.
    Error(String),
}

/// The outcome of a typed call of the Lua.
pub fn lua_outcome<T: Canon>(r: Result<T, redlua::Error>) -> Outcome {
    match r {
        Ok(v) => Outcome::Reply(v.canon()),
        Err(redlua::Error::Rejected { message }) => Outcome::Reject(format!("REJECT {message}")),
        Err(redlua::Error::Redis(e)) => {
            let text = match (e.code(), e.detail()) {
                (Some(c), Some(d)) => format!("{c} {d}"),
                (Some(c), None) => c.to_string(),
                _ => e.to_string(),
            };
            Outcome::Error(text)
        }
        Err(redlua::Error::Script { message, .. }) => Outcome::Error(message),
        Err(e) => Outcome::Error(format!("{e}")),
    }
}

/// The outcome of a twin run with `redlua::twin::try_run`.
pub fn twin_outcome<T: Canon>(r: Result<T, String>) -> Outcome {
    match r {
        Ok(v) => Outcome::Reply(v.canon()),
        Err(p) => Outcome::Error(p),
    }
}

/// The outcome of a twin returning `Result<T, Reject>`.
pub fn twin_result_outcome<T: Canon>(r: Result<Result<T, redlua::Reject>, String>) -> Outcome {
    match r {
        Ok(Ok(v)) => Outcome::Reply(v.canon()),
        Ok(Err(rej)) => Outcome::Reject(format!("{} {}", rej.code(), rej.message())),
        Err(p) => Outcome::Error(p),
    }
}

/// The verdict on one program × input.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Same,
    /// The documented deviation (beyond ±(2^53 − 1)).
    Explained(String),
    /// A difference: what differs.
    Differ(String),
}

/// One side: a server, a connection that seeds and inspects it, a connection that runs
/// the call, and a `MONITOR` stream.
struct Side {
    _server: TestServer,
    admin: redis::Connection,
    call: redis::Connection,
    monitor: BufReader<TcpStream>,
    /// The `MONITOR` source whose lines are this side's commands (`lua`, or the call
    /// connection's address).
    source: String,
}

impl Side {
    fn start(lua: bool) -> Result<Side, String> {
        let server = TestServer::start().map_err(|e| e.to_string())?;
        let admin = server.connection().map_err(|e| e.to_string())?;
        let mut call = server.connection().map_err(|e| e.to_string())?;
        let port = server.port().ok_or("no port")?;
        let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
        let mut w = stream.try_clone().map_err(|e| e.to_string())?;
        w.write_all(b"MONITOR\r\n").map_err(|e| e.to_string())?;
        let mut monitor = BufReader::new(stream);
        let mut ok = String::new();
        monitor.read_line(&mut ok).map_err(|e| e.to_string())?;
        let source = if lua {
            "lua".to_string()
        } else {
            let info: String = redis::cmd("CLIENT").arg("INFO").query(&mut call).map_err(|e| e.to_string())?;
            let addr = info.split(' ').find_map(|f| f.strip_prefix("addr=")).ok_or("no addr")?;
            addr.to_string()
        };
        Ok(Side { _server: server, admin, call, monitor, source })
    }

    /// Drops the monitor lines up to and including the one carrying `marker`; returns
    /// this side's commands among them.
    fn commands_until(&mut self, marker: &str) -> Result<Vec<String>, String> {
        let _: String = redis::cmd("ECHO").arg(marker).query(&mut self.admin).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        let tag = format!("[0 {}] ", self.source);
        loop {
            let mut line = String::new();
            let n = self.monitor.read_line(&mut line).map_err(|e| format!("monitor: {e}"))?;
            if n == 0 {
                return Err("monitor closed".into());
            }
            if line.contains(marker) && line.to_ascii_lowercase().contains("\"echo\"") {
                return Ok(out);
            }
            if let Some(i) = line.find(&tag) {
                let rest = line[i + tag.len()..].trim_end();
                // The twin asks its server how a Lua number passed to a command converts
                // (`lua_arg`): not a command of the program.
                if rest.to_ascii_lowercase().starts_with(TWIN_NUMBER_EVAL) {
                    continue;
                }
                out.push(normalise(rest));
            }
        }
    }

    /// Every key: type, value, TTL presence.
    fn keyspace(&mut self) -> Result<Vec<String>, String> {
        let c = &mut self.admin;
        let mut keys: Vec<Vec<u8>> = redis::cmd("KEYS").arg("*").query(c).map_err(|e| e.to_string())?;
        keys.sort();
        let mut out = Vec::new();
        for k in keys {
            let ty: String = redis::cmd("TYPE").arg(&k).query(c).map_err(|e| e.to_string())?;
            let value: String = match ty.as_str() {
                "string" => format!("{:?}", redis::cmd("GET").arg(&k).query::<Vec<u8>>(c).map(|b| String::from_utf8_lossy(&b).into_owned())),
                "list" => format!("{:?}", redis::cmd("LRANGE").arg(&k).arg(0).arg(-1).query::<Vec<String>>(c)),
                "hash" => {
                    let mut v: Vec<(String, String)> = redis::cmd("HGETALL").arg(&k).query(c).map_err(|e| e.to_string())?;
                    v.sort();
                    format!("{v:?}")
                }
                "set" => {
                    let mut v: Vec<String> = redis::cmd("SMEMBERS").arg(&k).query(c).map_err(|e| e.to_string())?;
                    v.sort();
                    format!("{v:?}")
                }
                "zset" => format!("{:?}", redis::cmd("ZRANGE").arg(&k).arg(0).arg(-1).arg("WITHSCORES").query::<Vec<String>>(c)),
                other => format!("<{other}>"),
            };
            let pttl: i64 = redis::cmd("PTTL").arg(&k).query(c).map_err(|e| e.to_string())?;
            let ttl = if pttl >= 0 { " ttl" } else { "" };
            out.push(format!("{} {ty}{ttl} {value}", String::from_utf8_lossy(&k)));
        }
        Ok(out)
    }
}

/// The script the twin sends to learn the server's text of a Lua number, as `MONITOR`
/// shows it (in lower case).
const TWIN_NUMBER_EVAL: &str = "\"eval\" \"return redis.call('echo', tonumber(argv[1]))\"";

/// A `MONITOR` line's command: the name in lower case, the arguments as quoted.
fn normalise(rest: &str) -> String {
    match rest.find(' ') {
        Some(i) => format!("{}{}", rest[..i].to_lowercase(), &rest[i..]),
        None => rest.to_lowercase(),
    }
}

/// Both sides, and the counts of a run.
pub struct Harness {
    lua: Side,
    twin: Side,
    marker: u64,
    /// Cases run, the same, explained, different.
    pub counts: [u64; 4],
    /// Print one line per case (the generated crate's protocol).
    pub verbose: bool,
}

/// The initial keyspace: commands sent to both servers after `FLUSHALL`.
pub type Seed<'a> = &'a [&'a [&'a str]];

impl Harness {
    /// Starts the two servers.
    pub fn start() -> Result<Harness, String> {
        Ok(Harness { lua: Side::start(true)?, twin: Side::start(false)?, marker: 0, counts: [0; 4], verbose: true })
    }

    fn seed(side: &mut Side, seed: Seed) -> Result<(), String> {
        redis::cmd("FLUSHALL").exec(&mut side.admin).map_err(|e| e.to_string())?;
        for c in seed {
            let mut cmd = redis::cmd(c[0]);
            for a in &c[1..] {
                cmd.arg(*a);
            }
            cmd.exec(&mut side.admin).map_err(|e| format!("seeding {c:?}: {e}"))?;
        }
        Ok(())
    }

    /// Runs one program on one input and compares; prints the protocol line when verbose.
    pub fn case(
        &mut self,
        program: &str,
        input: usize,
        seed: Seed,
        lua: impl FnOnce(&mut redis::Connection) -> Outcome,
        twin: impl FnOnce(&mut redis::Connection) -> Outcome,
    ) -> Verdict {
        if self.verbose {
            println!("START {program} {input}");
            let _ = std::io::stdout().flush();
        }
        let v = match self.compare(seed, lua, twin) {
            Ok(v) => v,
            Err(e) => Verdict::Differ(format!("harness error: {e}")),
        };
        self.counts[0] += 1;
        match &v {
            Verdict::Same => self.counts[1] += 1,
            Verdict::Explained(_) => self.counts[2] += 1,
            Verdict::Differ(_) => self.counts[3] += 1,
        }
        if self.verbose {
            let (word, text) = match &v {
                Verdict::Same => ("SAME", String::new()),
                Verdict::Explained(t) => ("EXPLAINED", t.clone()),
                Verdict::Differ(t) => ("DIFF", t.clone()),
            };
            println!("CASE {program} {input} {word} {}", text.replace('\\', "\\\\").replace('\n', "\\n"));
            let _ = std::io::stdout().flush();
        }
        v
    }

    fn compare(&mut self, seed: Seed, lua: impl FnOnce(&mut redis::Connection) -> Outcome, twin: impl FnOnce(&mut redis::Connection) -> Outcome) -> Result<Verdict, String> {
        Harness::seed(&mut self.lua, seed)?;
        Harness::seed(&mut self.twin, seed)?;
        self.marker += 1;
        let start = format!("progen-start-{}", self.marker);
        let end = format!("progen-end-{}", self.marker);
        self.lua.commands_until(&start)?;
        self.twin.commands_until(&start)?;
        let a = lua(&mut self.lua.call);
        let b = twin(&mut self.twin.call);
        let ca = self.lua.commands_until(&end)?;
        let cb = self.twin.commands_until(&end)?;
        // The Lua may stop at a value beyond 2^53 where Rust's i64 goes on: what it sent up
        // to there must be what the twin sent first.
        let lua_beyond = matches!(&a, Outcome::Error(t) if beyond_2_53(t));
        let explained = |ca: &[String], cb: &[String]| {
            if cb.starts_with(ca) {
                Verdict::Explained(format!("the Lua refused a value beyond 2^53; the twin went on\nlua:  {a:?}\ntwin: {b:?}"))
            } else {
                Verdict::Differ(format!("the Lua refused a value beyond 2^53, and the commands before differ\nlua:  {ca:?}\ntwin: {cb:?}\noutcome: {a:?} / {b:?}"))
            }
        };
        match judge(&a, &b) {
            Some(Verdict::Differ(_)) | Some(Verdict::Explained(_)) if lua_beyond => return Ok(explained(&ca, &cb)),
            Some(v) => return Ok(v),
            None => {}
        }
        if lua_beyond && ca != cb {
            return Ok(explained(&ca, &cb));
        }
        let ka = self.lua.keyspace()?;
        let kb = self.twin.keyspace()?;
        if ka != kb {
            return Ok(Verdict::Differ(format!("keyspace differs\nlua:  {ka:?}\ntwin: {kb:?}\noutcome: {a:?}")));
        }
        if ca != cb {
            return Ok(Verdict::Differ(format!("commands differ\nlua:  {ca:?}\ntwin: {cb:?}\noutcome: {a:?}")));
        }
        Ok(Verdict::Same)
    }
}

/// The Lua error is the documented deviation: a value beyond ±(2^53 − 1) that Rust's
/// 64-bit integers hold. A negative number cast `as u64` / `as usize` counts only as its
/// error says it (`redlua: -3 as u64/usize wraps to 2^64 - 3, beyond 2^53 - 1`) and only
/// when the number Rust wraps it to, 2^64 + n, is at least 2^53.
pub fn beyond_2_53(text: &str) -> bool {
    const CAST: &str = " as u64/usize wraps to 2^64 - ";
    let Some(at) = text.find(CAST) else { return text.contains("2^53") };
    let number = text[..at].rsplit(' ').next().unwrap_or("");
    let magnitude = text[at + CAST.len()..].split(',').next().unwrap_or("");
    match (number.parse::<i128>(), magnitude.parse::<i128>()) {
        (Ok(n), Ok(m)) => n < 0 && m == -n && (1i128 << 64) + n >= 1i128 << 53 && text[at + CAST.len() + magnitude.len()..].starts_with(", beyond 2^53 - 1"),
        _ => false,
    }
}

/// The messages of the generator's `opt.expect(..)`.
pub const EXPECT_MESSAGES: &[&str] = &["progen: no value", "progen: expected a value"];

/// The panic message of `Option::unwrap()` on `None`.
pub const UNWRAP_NONE: &str = "called `Option::unwrap()` on a `None` value";

/// The twin panicked in `unwrap()` / `expect(..)` on `None` (its message is `b`): the Lua's
/// error must say the same (`redlua: <message> at lib.rs:L:C`).
fn unwrap_panic_agrees(lua: &str, twin: &str) -> Option<bool> {
    if twin != UNWRAP_NONE && !EXPECT_MESSAGES.contains(&twin) {
        return None;
    }
    Some(lua.contains(&format!("redlua: {twin} at ")))
}

/// Compares the outcomes: `None` when they agree (the keyspace and commands are compared
/// next), a verdict otherwise.
pub fn judge(lua: &Outcome, twin: &Outcome) -> Option<Verdict> {
    use Outcome::*;
    let beyond = |t: &str| beyond_2_53(t);
    let rejected = |t: &str| t.split_whitespace().nth(1).is_some_and(|w| w.starts_with("rj") && w[2..].chars().all(|c| c.is_ascii_digit()) && w.len() > 2);
    match (lua, twin) {
        (Reply(a), Reply(b)) if a == b => None,
        (Reject(a), Reject(b)) if a == b => None,
        // A rejection with a code (`ERR`, `LIMIT`) arrives as an error reply of that code.
        (Error(a), Reject(b)) if a == b => None,
        (Error(a), Error(b)) if unwrap_panic_agrees(a, b) == Some(false) => Some(Verdict::Differ(format!("the twin panicked in unwrap / expect, the Lua failed otherwise\nlua:  {a:?}\ntwin: {b:?}"))),
        (Error(a), Error(_)) if !rejected(a) => None,
        (Error(a), Reply(_) | Reject(_)) if beyond(a) => Some(Verdict::Explained(format!("the Lua refused a value beyond 2^53: {a}"))),
        _ => Some(Verdict::Differ(format!("outcomes differ\nlua:  {lua:?}\ntwin: {twin:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_texts() {
        assert_eq!(f64::NAN.canon(), f64::NAN.canon());
        assert_ne!((-0.0f64).canon(), 0.0f64.canon());
        let mut m = HashMap::new();
        m.insert("b".to_string(), 1i64);
        m.insert("a".to_string(), 2i64);
        assert_eq!(m.canon(), "{\"a\": 2, \"b\": 1}");
        assert_eq!((1i64, Some("x".to_string())).canon(), "(1, Some(\"x\"))");
    }

    #[test]
    fn verdicts() {
        use Outcome::*;
        assert_eq!(judge(&Reply("1".into()), &Reply("1".into())), None);
        assert!(matches!(judge(&Reply("1".into()), &Reply("2".into())), Some(Verdict::Differ(_))));
        assert_eq!(judge(&Error("ERR x".into()), &Error("panic".into())), None);
        // unwrap / expect on None: the same message on both sides, the Lua's with its place.
        let lua = "user_function:12: redlua: called `Option::unwrap()` on a `None` value at lib.rs:12:7";
        assert_eq!(judge(&Error(lua.into()), &Error(UNWRAP_NONE.into())), None);
        assert_eq!(judge(&Error("ERR redlua: progen: no value at lib.rs:3:9".into()), &Error("progen: no value".into())), None);
        assert!(matches!(judge(&Error("ERR redlua: integer overflow".into()), &Error(UNWRAP_NONE.into())), Some(Verdict::Differ(_))));
        assert_eq!(judge(&Error("LIMIT rj3".into()), &Reject("LIMIT rj3".into())), None);
        assert!(matches!(judge(&Error("LIMIT rj3".into()), &Error("panic".into())), Some(Verdict::Differ(_))));
        assert!(matches!(judge(&Error("redlua: integer overflow (beyond +/-(2^53 - 1))".into()), &Reply("1".into())), Some(Verdict::Explained(_))));
        assert!(matches!(judge(&Reply("1".into()), &Error("boom".into())), Some(Verdict::Differ(_))));
        // A negative number `as u64`: explained only as its error says so, for a negative number.
        assert!(matches!(judge(&Error("user_script:3: redlua: -3 as u64/usize wraps to 2^64 - 3, beyond 2^53 - 1".into()), &Reply("7".into())), Some(Verdict::Explained(_))));
        assert!(matches!(judge(&Error("redlua: 3 as u64/usize wraps to 2^64 - 3, beyond 2^53 - 1".into()), &Reply("7".into())), Some(Verdict::Differ(_))));
        assert!(matches!(judge(&Error("redlua: -3 as u64/usize wraps to 2^64 - 4, beyond 2^53 - 1".into()), &Reply("7".into())), Some(Verdict::Differ(_))));
        assert!(matches!(judge(&Error("redlua: -3 does not fit the target integer type".into()), &Reply("7".into())), Some(Verdict::Differ(_))));
        assert_eq!(normalise("\"INCRBY\" \"k\" \"1\""), "\"incrby\" \"k\" \"1\"");
    }
}
