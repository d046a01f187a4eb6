//! Shared support for redlua's integration tests: hand-written Lua baselines and
//! helpers to compare a redlua function with its baseline on a real server.
//!
//! The baselines are the scripts a Redis user writes by hand for the patterns of
//! `SEED_PATTERNS.md`: plain EVAL scripts reading `KEYS` and `ARGV`. Each one gives
//! exactly the reply and the effects the pattern specifies, so a redlua function and
//! its baseline run on the same inputs must reply the same and leave the same data.
//! Inputs the specification leaves open (a non-positive transfer, a value that is not
//! an integer) are not compared.
//!
//! Everything here talks to a real `redis-server`: [`server`] starts a throwaway one,
//! and fails (never skips) when it cannot.

use redis::{Connection, ToRedisArgs, Value};
use redlua::testing::TestServer;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

// ANCHOR: capped_increment
/// Pattern 1, capped increment. `KEYS[1]` counter, `ARGV[1]` max.
///
/// Replies the new value after `INCR` when the counter is below `max`, else the
/// current value unchanged. A missing counter counts as 0.
pub const CAPPED_INCREMENT: &str = r#"
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local max = tonumber(ARGV[1])
if current < max then
  return redis.call('INCR', KEYS[1])
end
return current
"#;
// ANCHOR_END: capped_increment

// ANCHOR: transfer
/// Pattern 2, transfer. `KEYS[1]` from, `KEYS[2]` to, `ARGV[1]` amount (positive).
///
/// Replies 1 after `DECRBY from` and `INCRBY to`, or 0 (and writes nothing) when
/// `from` holds less than `amount`. A missing account holds 0.
pub const TRANSFER: &str = r#"
local amount = tonumber(ARGV[1])
local balance = tonumber(redis.call('GET', KEYS[1]) or '0')
if balance < amount then
  return 0
end
redis.call('DECRBY', KEYS[1], amount)
redis.call('INCRBY', KEYS[2], amount)
return 1
"#;
// ANCHOR_END: transfer

// ANCHOR: acquire_lock
/// Pattern 3, acquire a lock. `KEYS[1]` lock, `ARGV[1]` holder, `ARGV[2]` ttl seconds.
///
/// Replies 1 when `SET lock holder NX EX ttl` set it, 0 when anyone holds it.
pub const ACQUIRE_LOCK: &str = r#"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  return 1
end
return 0
"#;
// ANCHOR_END: acquire_lock

// ANCHOR: release_lock
/// Pattern 4, release a lock. `KEYS[1]` lock, `ARGV[1]` holder.
///
/// Deletes the lock and replies 1 only when it holds `holder`; else replies 0.
pub const RELEASE_LOCK: &str = r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"#;
// ANCHOR_END: release_lock

// ANCHOR: fixed_window
/// Pattern 5, fixed-window rate limit. `KEYS[1]` counter, `ARGV[1]` limit,
/// `ARGV[2]` window seconds.
///
/// Replies 1 and counts the hit when fewer than `limit` hits were counted, else 0
/// without counting. The first hit of a window sets the counter's expiry.
pub const FIXED_WINDOW: &str = r#"
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
if hits >= tonumber(ARGV[1]) then
  return 0
end
if redis.call('INCR', KEYS[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 1
"#;
// ANCHOR_END: fixed_window

// ANCHOR: get_with_default
/// Pattern 7, get with a default. `KEYS[1]` key, `ARGV[1]` default.
///
/// Replies the value, or the default when the key does not exist. Writes nothing:
/// run it with [`eval_ro`].
pub const GET_WITH_DEFAULT: &str = r#"
local value = redis.call('GET', KEYS[1])
if value then
  return value
end
return ARGV[1]
"#;
// ANCHOR_END: get_with_default

// ANCHOR: banking_transfer
/// Pattern 8, transfer in a library. `KEYS[1]` from, `KEYS[2]` to, `ARGV[1]` amount.
///
/// Replies the new balance of `from`; an error reply for a non-positive amount or
/// insufficient funds, writing nothing.
pub const BANKING_TRANSFER: &str = r#"
local amount = tonumber(ARGV[1])
if amount <= 0 then
  return redis.error_reply('REJECT amount must be positive')
end
local balance = tonumber(redis.call('GET', KEYS[1]) or '0')
if balance < amount then
  return redis.error_reply('REJECT insufficient funds')
end
local left = redis.call('DECRBY', KEYS[1], amount)
redis.call('INCRBY', KEYS[2], amount)
return left
"#;
// ANCHOR_END: banking_transfer

// ANCHOR: token_bucket
/// Pattern 6, token bucket. `KEYS[1]` bucket hash (fields `tokens`, `ts`),
/// `ARGV[1]` capacity, `ARGV[2]` refill per second, `ARGV[3]` now in ms,
/// `ARGV[4]` requested tokens.
///
/// Refills by the elapsed time (capped at capacity), takes the tokens when there are
/// enough, stores tokens and time, expires the idle bucket after the time it takes to
/// fill up; replies `{allowed 1/0, tokens left rounded down}`.
pub const TOKEN_BUCKET: &str = r#"
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local requested = tonumber(ARGV[4])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or capacity)
local last = tonumber(redis.call('HGET', KEYS[1], 'ts') or now)
local elapsed = math.max(0, now - last)
local available = math.min(capacity, tokens + elapsed / 1000 * rate)
local allowed = 0
if available >= requested then
  available = available - requested
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', available), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000))
return { allowed, math.floor(available) }
"#;
// ANCHOR_END: token_bucket

// ANCHOR: extend_lock
/// Pattern 9, extend a lock. `KEYS[1]` lock, `ARGV[1]` holder, `ARGV[2]` ttl ms.
///
/// Replies 1 after `PEXPIRE lock ttl` when the lock holds `holder`, else 0.
pub const EXTEND_LOCK: &str = r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"#;
// ANCHOR_END: extend_lock

// ANCHOR: sliding_window
/// Pattern 10, sliding-window rate limit. `KEYS[1]` sorted set, `ARGV[1]` limit,
/// `ARGV[2]` window ms, `ARGV[3]` now ms, `ARGV[4]` request id.
///
/// Drops the entries at or before `now - window`, replies 0 when `limit` remain,
/// else adds the request (scored by `now`), expires the set after a window and
/// replies 1.
pub const SLIDING_WINDOW: &str = r#"
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 1
"#;
// ANCHOR_END: sliding_window

/// Starts a throwaway server and opens a connection to it.
///
/// # Panics
///
/// When the server cannot be started or reached: a missing `redis-server` fails the
/// test that needs it.
pub fn server() -> (TestServer, Connection) {
    let server = TestServer::start().unwrap_or_else(|e| panic!("cannot start a test redis-server: {e}"));
    let con = server.connection().unwrap_or_else(|e| panic!("cannot connect to the test redis-server: {e}"));
    (server, con)
}

fn eval_cmd<K: AsRef<[u8]>, A: AsRef<[u8]>>(command: &str, lua: &str, keys: &[K], args: &[A]) -> redis::Cmd {
    let mut cmd = redis::cmd(command);
    cmd.arg(lua).arg(keys.len());
    for k in keys {
        cmd.arg(k.as_ref());
    }
    for a in args {
        cmd.arg(a.as_ref());
    }
    cmd
}

/// Runs a baseline with `EVAL` and returns its raw reply (an error reply is `Err`).
pub fn eval<K: AsRef<[u8]>, A: AsRef<[u8]>>(con: &mut Connection, lua: &str, keys: &[K], args: &[A]) -> redis::RedisResult<Value> {
    eval_cmd("EVAL", lua, keys, args).query(con)
}

/// Runs a read-only baseline with `EVAL_RO` (the server refuses any write from it).
pub fn eval_ro<K: AsRef<[u8]>, A: AsRef<[u8]>>(con: &mut Connection, lua: &str, keys: &[K], args: &[A]) -> redis::RedisResult<Value> {
    eval_cmd("EVAL_RO", lua, keys, args).query(con)
}

/// Sends a command and returns its raw reply.
pub fn raw(con: &mut Connection, cmd: &redis::Cmd) -> redis::RedisResult<Value> {
    cmd.query(con)
}

/// A set of keys of its own on a shared server: `Namespace::new("lua").key("acct:1")`
/// is `{lua}:acct:1` (one hash tag per namespace, so its keys share a cluster slot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    name: String,
}

impl Namespace {
    /// A namespace called `name`.
    pub fn new(name: &str) -> Namespace {
        Namespace { name: name.to_string() }
    }

    /// The full key name of `name` in this namespace.
    pub fn key(&self, name: &str) -> String {
        format!("{{{}}}:{}", self.name, name)
    }

    /// The namespace's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The value of one key, by type; sets, hashes and sorted sets in a stable order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    /// The key does not exist.
    Missing,
    /// A string.
    String(Vec<u8>),
    /// A list, head first.
    List(Vec<Vec<u8>>),
    /// A set.
    Set(BTreeSet<Vec<u8>>),
    /// A hash.
    Hash(BTreeMap<Vec<u8>, Vec<u8>>),
    /// A sorted set: members with their scores as the server prints them.
    ZSet(BTreeMap<Vec<u8>, String>),
    /// Any other type, by name (`stream`, ...).
    Other(String),
}

/// One key of a [`Snapshot`]: its value, and its time to live in whole seconds
/// (`None` when it does not expire or does not exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The value.
    pub data: Data,
    /// `TTL` in seconds when the key expires.
    pub ttl: Option<i64>,
}

impl Entry {
    /// True when the key exists and has an expiry.
    pub fn expires(&self) -> bool {
        self.ttl.is_some()
    }
}

/// The data of a chosen set of keys of a namespace, keyed by the short names.
#[derive(Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The entries, by short key name.
    pub entries: BTreeMap<String, Entry>,
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, e) in &self.entries {
            let data = match &e.data {
                Data::String(b) => format!("{:?}", String::from_utf8_lossy(b)),
                other => format!("{other:?}"),
            };
            match e.ttl {
                Some(t) => m.entry(k, &format_args!("{data} (ttl {t}s)")),
                None => m.entry(k, &format_args!("{data}")),
            };
        }
        m.finish()
    }
}

impl Snapshot {
    /// The entry of `name`.
    ///
    /// # Panics
    ///
    /// When `name` was not one of the snapshot's keys.
    pub fn get(&self, name: &str) -> &Entry {
        self.entries.get(name).unwrap_or_else(|| panic!("{name} is not in the snapshot"))
    }

    /// The string value of `name`, `None` when it does not exist.
    ///
    /// # Panics
    ///
    /// When the key holds another type.
    pub fn string(&self, name: &str) -> Option<String> {
        match &self.get(name).data {
            Data::Missing => None,
            Data::String(b) => Some(String::from_utf8_lossy(b).into_owned()),
            other => panic!("{name} holds {other:?}, not a string"),
        }
    }

    /// The snapshot with TTLs reduced to their presence: what must be equal between
    /// two runs of the same inputs that do not happen at the same instant.
    pub fn ttl_presence(&self) -> BTreeMap<String, (Data, bool)> {
        self.entries.iter().map(|(k, e)| (k.clone(), (e.data.clone(), e.expires()))).collect()
    }

    /// Asserts that `self` and `other` hold the same values, the same keys expire,
    /// and their TTLs differ by at most `tolerance_secs`.
    ///
    /// # Panics
    ///
    /// When they differ, with both snapshots in the message.
    pub fn assert_same(&self, other: &Snapshot, tolerance_secs: i64, context: &str) {
        assert_eq!(self.ttl_presence(), other.ttl_presence(), "{context}: data differ\n left: {self:?}\nright: {other:?}");
        for (k, e) in &self.entries {
            if let (Some(a), Some(b)) = (e.ttl, other.get(k).ttl) {
                assert!((a - b).abs() <= tolerance_secs, "{context}: TTL of {k} differs: {a}s vs {b}s\n left: {self:?}\nright: {other:?}");
            }
        }
    }
}

/// Reads `names` of `ns` from the server: value by type, and TTL.
///
/// # Panics
///
/// On a connection or server error.
pub fn snapshot(con: &mut Connection, ns: &Namespace, names: &[&str]) -> Snapshot {
    let mut entries = BTreeMap::new();
    for name in names {
        let key = ns.key(name);
        entries.insert(name.to_string(), read_entry(con, &key));
    }
    Snapshot { entries }
}

/// Reads one key: value by type, and TTL.
///
/// # Panics
///
/// On a connection or server error.
pub fn read_entry(con: &mut Connection, key: &str) -> Entry {
    let mut q = |args: &[&str]| -> Value {
        let mut cmd = redis::cmd(args[0]);
        cmd.arg(key);
        for a in &args[1..] {
            cmd.arg(*a);
        }
        cmd.query(con).unwrap_or_else(|e| panic!("{} {key}: {e}", args[0]))
    };
    let kind = match q(&["TYPE"]) {
        Value::SimpleString(s) => s,
        Value::Okay => "OK".to_string(),
        other => panic!("TYPE {key} replied {other:?}"),
    };
    let data = match kind.as_str() {
        "none" => Data::Missing,
        "string" => Data::String(bulk(q(&["GET"]))),
        "list" => Data::List(items(q(&["LRANGE", "0", "-1"]).to_owned_array(key)).collect()),
        "set" => Data::Set(items(q(&["SMEMBERS"]).to_owned_array(key)).collect()),
        "hash" => Data::Hash(pairs(q(&["HGETALL"]), key).into_iter().collect()),
        "zset" => {
            let v = q(&["ZRANGE", "0", "-1", "WITHSCORES"]);
            Data::ZSet(pairs(v, key).into_iter().map(|(m, s)| (m, String::from_utf8_lossy(&s).into_owned())).collect())
        }
        other => Data::Other(other.to_string()),
    };
    let ttl = match q(&["TTL"]) {
        Value::Int(t) => t,
        other => panic!("TTL {key} replied {other:?}"),
    };
    Entry { data, ttl: (ttl >= 0).then_some(ttl) }
}

/// `PTTL key` in milliseconds; `None` when the key does not expire or is missing.
pub fn pttl(con: &mut Connection, key: &str) -> Option<i64> {
    let t: i64 = redis::cmd("PTTL").arg(key).query(con).unwrap_or_else(|e| panic!("PTTL {key}: {e}"));
    (t >= 0).then_some(t)
}

trait OwnedArray {
    fn to_owned_array(self, key: &str) -> Vec<Value>;
}

impl OwnedArray for Value {
    fn to_owned_array(self, key: &str) -> Vec<Value> {
        match self {
            Value::Array(v) | Value::Set(v) => v,
            other => panic!("reading {key}: expected an array, got {other:?}"),
        }
    }
}

fn items(v: Vec<Value>) -> impl Iterator<Item = Vec<u8>> {
    v.into_iter().map(bulk)
}

fn pairs(v: Value, key: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    match v {
        Value::Map(m) => m.into_iter().map(|(a, b)| (bulk(a), bulk(b))).collect(),
        Value::Array(v) => {
            let mut it = v.into_iter();
            let mut out = Vec::new();
            while let (Some(a), Some(b)) = (it.next(), it.next()) {
                out.push((bulk(a), bulk(b)));
            }
            out
        }
        other => panic!("reading {key}: expected pairs, got {other:?}"),
    }
}

fn bulk(v: Value) -> Vec<u8> {
    match v {
        Value::BulkString(b) => b,
        Value::SimpleString(s) => s.into_bytes(),
        Value::Int(n) => n.to_string().into_bytes(),
        Value::Double(d) => d.to_string().into_bytes(),
        other => panic!("expected a bulk string, got {other:?}"),
    }
}

/// `SET` (or, for `None`, `DEL`) the same key in each namespace: the inputs both
/// sides of a comparison start from.
pub fn set_all(con: &mut Connection, namespaces: &[&Namespace], name: &str, value: Option<&str>) {
    for ns in namespaces {
        let key = ns.key(name);
        match value {
            Some(v) => redis::cmd("SET").arg(&key).arg(v).exec(con),
            None => redis::cmd("DEL").arg(&key).exec(con),
        }
        .unwrap_or_else(|e| panic!("writing {key}: {e}"));
    }
}

/// The raw wire reply a typed redlua reply corresponds to: what the baseline must
/// reply for the same inputs (`true`/`false` are the integers 1/0).
pub trait AsWire {
    /// The reply as a [`Value`].
    fn as_wire(&self) -> Value;
}

impl AsWire for bool {
    fn as_wire(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}

impl AsWire for i64 {
    fn as_wire(&self) -> Value {
        Value::Int(*self)
    }
}

impl AsWire for String {
    fn as_wire(&self) -> Value {
        Value::BulkString(self.clone().into_bytes())
    }
}

/// The integer of an `Int` reply.
///
/// # Panics
///
/// For any other reply.
pub fn int(v: &redis::RedisResult<Value>) -> i64 {
    match v {
        Ok(Value::Int(n)) => *n,
        other => panic!("expected an integer reply, got {other:?}"),
    }
}

/// A small deterministic pseudo-random generator (xorshift64*), so every run of a
/// randomized test sends the same inputs and a failure names its seed.
#[derive(Debug, Clone)]
pub struct XorShift {
    state: u64,
}

impl XorShift {
    /// A generator seeded with `seed` (0 is replaced by a fixed non-zero seed).
    pub fn new(seed: u64) -> XorShift {
        XorShift { state: if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed } }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "XorShift::below(0)");
        self.next_u64() % n
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi, "XorShift::range({lo}, {hi})");
        let span = (hi - lo) as u64 + 1;
        lo + self.below(span) as i64
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One element of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Calls of a command, as counted by `INFO commandstats` (`cmdstat_<name>:calls=N`;
/// subcommands are named `function|load`). Counts attempts, failed ones included.
pub fn command_calls(con: &mut Connection, name: &str) -> u64 {
    let info: String = redis::cmd("INFO").arg("commandstats").query(con).unwrap_or_else(|e| panic!("INFO commandstats: {e}"));
    let prefix = format!("cmdstat_{name}:");
    info.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|rest| rest.split(',').find_map(|f| f.strip_prefix("calls=")))
        .map(|n| n.trim().parse().unwrap_or_else(|e| panic!("calls of {name}: {e}")))
        .unwrap_or(0)
}

/// The names of the libraries `FUNCTION LIST` shows, with their function names.
pub fn function_list(con: &mut Connection) -> BTreeMap<String, BTreeSet<String>> {
    let v: Value = redis::cmd("FUNCTION").arg("LIST").query(con).unwrap_or_else(|e| panic!("FUNCTION LIST: {e}"));
    let mut out = BTreeMap::new();
    for lib in v.to_owned_array("FUNCTION LIST") {
        let fields = pairs_any(lib);
        let name = fields.iter().find(|(k, _)| k == "library_name").map(|(_, v)| string_of(v)).expect("library_name");
        let functions = fields
            .into_iter()
            .find(|(k, _)| k == "functions")
            .map(|(_, v)| v.to_owned_array("functions"))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|f| pairs_any(f).into_iter().find(|(k, _)| k == "name").map(|(_, v)| string_of(&v)))
            .collect();
        out.insert(name, functions);
    }
    out
}

/// The flags `FUNCTION LIST` shows for function `function`.
pub fn function_flags(con: &mut Connection, function: &str) -> Option<BTreeSet<String>> {
    let v: Value = redis::cmd("FUNCTION").arg("LIST").query(con).unwrap_or_else(|e| panic!("FUNCTION LIST: {e}"));
    for lib in v.to_owned_array("FUNCTION LIST") {
        let fields = pairs_any(lib);
        let functions = fields.into_iter().find(|(k, _)| k == "functions").map(|(_, v)| v.to_owned_array("functions")).unwrap_or_default();
        for f in functions {
            let f = pairs_any(f);
            if f.iter().any(|(k, v)| k == "name" && string_of(v) == function) {
                let flags = f.into_iter().find(|(k, _)| k == "flags").map(|(_, v)| v.to_owned_array("flags")).unwrap_or_default();
                return Some(flags.iter().map(string_of).collect());
            }
        }
    }
    None
}

fn pairs_any(v: Value) -> Vec<(String, Value)> {
    match v {
        Value::Map(m) => m.into_iter().map(|(k, v)| (string_of(&k), v)).collect(),
        Value::Array(items) => {
            let mut it = items.into_iter();
            let mut out = Vec::new();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                out.push((string_of(&k), v));
            }
            out
        }
        other => panic!("expected a map, got {other:?}"),
    }
}

fn string_of(v: &Value) -> String {
    match v {
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        Value::SimpleString(s) => s.clone(),
        Value::VerbatimString { text, .. } => text.clone(),
        other => format!("{other:?}"),
    }
}

/// Writes `value` to `key` with any redis-rs argument (a helper for setting up data).
pub fn set<V: ToRedisArgs>(con: &mut Connection, key: &str, value: V) {
    redis::cmd("SET").arg(key).arg(value).exec(con).unwrap_or_else(|e| panic!("SET {key}: {e}"));
}

thread_local! {
    /// Set while a twin runs that may panic on purpose: its message is not printed.
    static EXPECTED_PANIC: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// [`redlua::twin::try_run`], without printing the panic of a twin that panics on purpose
/// (a Rust panic is the twin's meaning of a Lua error reply).
pub fn try_twin<T>(con: &mut Connection, twin: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !EXPECTED_PANIC.with(|q| q.get()) {
                default(info);
            }
        }));
    });
    EXPECTED_PANIC.with(|q| q.set(true));
    let r = redlua::twin::try_run(con, twin);
    EXPECTED_PANIC.with(|q| q.set(false));
    r
}

/// A twin's outcome as the text a test compares: its value, its rejection as
/// "CODE message", or "panic .." (the twin's meaning of a Lua error reply).
pub fn twin_outcome<T>(r: Result<Result<T, redlua::Reject>, String>) -> Result<T, String> {
    match r {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(rej)) => Err(format!("{} {}", rej.code(), rej.message())),
        Err(panic) => Err(format!("panic {panic}")),
    }
}

/// A typed call's outcome as the text [`twin_outcome`] gives for the same result: a
/// rejection as "REJECT message", a server error with a code other than ERR as "CODE
/// detail", anything else as "error ..".
pub fn lua_outcome<T>(r: Result<T, redlua::Error>) -> Result<T, String> {
    r.map_err(|e| match e {
        redlua::Error::Rejected { message } => format!("REJECT {message}"),
        redlua::Error::Redis(e) if e.code().is_some_and(|c| c != "ERR") => format!("{} {}", e.code().unwrap_or_default(), e.detail().unwrap_or_default()),
        other => format!("error {other}"),
    })
}

/// Runs `lua` (with the key `lua:log`) and `twin` (with `rust:log`) from empty logs, and
/// asserts the same trace and the same reply (or an error on both sides). Gives whether
/// both failed.
pub fn agree<T: PartialEq + std::fmt::Debug>(con: &mut redis::Connection, what: &str, lua: impl FnOnce(&mut redis::Connection, &str) -> Result<T, redlua::Error>, twin: impl FnOnce(redlua::Key) -> T) -> bool {
    let _: () = redis::cmd("DEL").arg("lua:log").arg("rust:log").query(con).unwrap();
    let l = lua(con, "lua:log").map_err(|e| e.to_string());
    let r = redlua::twin::try_run(con, || twin(redlua::Key::from("rust:log")));
    let trace = |con: &mut redis::Connection, k: &str| -> Vec<String> { redis::cmd("LRANGE").arg(k).arg(0).arg(-1).query(con).unwrap() };
    let (lt, rt) = (trace(con, "lua:log"), trace(con, "rust:log"));
    assert_eq!(lt, rt, "{what}: the Lua's trace (left) differs from Rust's (right)");
    match (&l, &r) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "{what}: replies");
            false
        }
        (Err(_), Err(_)) => true,
        _ => panic!("{what}: Lua gave {l:?}, Rust {r:?}"),
    }
}
