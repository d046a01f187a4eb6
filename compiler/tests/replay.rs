//! Replay of recorded calls: the oracle of the compiler's mutation testing, and a guard
//! on the meaning of the Lua it generates.
//!
//! `compiler/tests/replay/*.case` holds, for each redlua library (and free
//! `#[redis_function]` script) of the workspace's examples, integration tests and
//! benchmarks, its Rust source and a set of calls: inputs generated from the parameter
//! types (edge values of each type, absent optional arguments, several `Vec` lengths,
//! keys named after their parameter, and seeded keyspaces: absent keys, strings,
//! counters, lists, hashes, sets, sorted sets and streams at edge values), each with the
//! outcome the Lua of the compiler gave on a real redis-server when it was recorded: the
//! reply (or error), the keyspace after the call (what changed: type, whole value and
//! whether a TTL is set) and the commands the function sent, in order (read with
//! `MONITOR`).
//!
//! [`replay`] compiles every source with the compiler under test, loads it into a
//! throwaway redis-server (started here on a free loopback port; this crate cannot use the
//! `redlua` runtime's test server, which depends on the compiler through the macros) and
//! replays every call: any difference, and any source the compiler refuses, fails. Those
//! libraries' meanings are established by the differential tests against their native
//! twins in `tests/integration`, so the recorded Lua is the reference.
//!
//! `cargo xtask record-replay` (the ignored test [`record`]) regenerates the corpus from
//! the sources of today. A change of the generated Lua's meaning shows up here as a
//! failure: review the difference, and re-record the corpus in the same commit.
//!
//! `REDLUA_REPLAY_FILTER=<text>` replays (or records) only the files whose name contains
//! the text.

use proc_macro2::{LineColumn, TokenStream, TokenTree};
use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use redlua_compiler::ir::{self, ParamSource, Ty};

/// The directories whose libraries and scripts are recorded (as `redlua lua` reads them).
const SOURCE_DIRS: &[&str] = &["examples", "tests/src", "tests/integration", "benches", "runtime/src"];

/// How long one call may take before the replay gives up on it.
const REPLAY_TIMEOUT: Duration = Duration::from_secs(10);

/// The replay stops after this many differences (a broken compiler breaks thousands).
const MAX_FAILURES: usize = 25;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("replay")
}

fn workspace_root() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    dir.parent().unwrap_or(dir).to_path_buf()
}

fn filter() -> Option<String> {
    std::env::var("REDLUA_REPLAY_FILTER").ok().filter(|f| !f.is_empty())
}

/// Prints outside libtest's capture, so that the figures show in CI logs.
fn report(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

// ---------------------------------------------------------------------------------------
// Text forms: quoted byte strings and replies.

/// `bytes` as a double-quoted string: `\\`, `\"`, `\n`, `\r`, `\t`, and `\xNN` for other
/// control bytes and bytes that are not UTF-8; other characters as they are.
fn quote(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    s.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => s.push_str("\\\""),
                '\\' => s.push_str("\\\\"),
                '\n' => s.push_str("\\n"),
                '\r' => s.push_str("\\r"),
                '\t' => s.push_str("\\t"),
                c if (c as u32) < 0x20 || c == '\x7f' => {
                    let _ = write!(s, "\\x{:02x}", c as u32);
                }
                c => s.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(s, "\\x{b:02x}");
        }
    }
    s.push('"');
    s
}

/// The quoted strings of `line`, separated by spaces (the inverse of [`quote`]).
fn unquote_all(line: &str) -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::new();
    let mut chars = line.trim().chars().peekable();
    loop {
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        match chars.next() {
            None => return Ok(out),
            Some('"') => {}
            Some(c) => return Err(format!("expected a quoted string at {c:?} in {line:?}")),
        }
        let mut value = Vec::new();
        loop {
            match chars.next() {
                None => return Err(format!("unterminated string in {line:?}")),
                Some('"') => break,
                Some('\\') => match chars.next() {
                    Some('\\') => value.push(b'\\'),
                    Some('"') => value.push(b'"'),
                    Some('n') => value.push(b'\n'),
                    Some('r') => value.push(b'\r'),
                    Some('t') => value.push(b'\t'),
                    Some('x') => {
                        let hex: String = chars.by_ref().take(2).collect();
                        value.push(u8::from_str_radix(&hex, 16).map_err(|_| format!("bad escape \\x{hex} in {line:?}"))?);
                    }
                    other => return Err(format!("bad escape {other:?} in {line:?}")),
                },
                Some(c) => {
                    let mut buf = [0u8; 4];
                    value.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        out.push(value);
    }
}

/// A RESP2 reply.
#[derive(Debug, Clone, PartialEq)]
enum Reply {
    Status(String),
    Error(Vec<u8>),
    Int(i64),
    Bulk(Vec<u8>),
    Nil,
    Array(Vec<Reply>),
    NilArray,
}

impl Reply {
    /// One line of text: `:1`, `"text"`, `nil`, `[:1, "a"]`, `+OK`, `error "ERR .."`.
    fn render(&self) -> String {
        match self {
            Reply::Status(s) => format!("+{s}"),
            Reply::Error(e) => format!("error {}", quote(e)),
            Reply::Int(n) => format!(":{n}"),
            Reply::Bulk(b) => quote(b),
            Reply::Nil => "nil".to_string(),
            Reply::NilArray => "nil-array".to_string(),
            Reply::Array(items) => format!("[{}]", items.iter().map(Reply::render).collect::<Vec<_>>().join(", ")),
        }
    }

    fn bytes(&self) -> Option<&[u8]> {
        match self {
            Reply::Bulk(b) => Some(b),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// A minimal RESP2 client.

struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

fn encode(args: &[&[u8]], out: &mut Vec<u8>) {
    let _ = write!(out, "*{}\r\n", args.len());
    for a in args {
        let _ = write!(out, "${}\r\n", a.len());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

impl Conn {
    fn connect(port: u16, timeout: Duration) -> io::Result<Conn> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(timeout))?;
        Ok(Conn { reader: BufReader::new(stream.try_clone()?), writer: stream })
    }

    fn send(&mut self, commands: &[Vec<Vec<u8>>]) -> io::Result<()> {
        let mut out = Vec::new();
        for c in commands {
            let args: Vec<&[u8]> = c.iter().map(Vec::as_slice).collect();
            encode(&args, &mut out);
        }
        self.writer.write_all(&out)
    }

    fn line(&mut self) -> io::Result<Vec<u8>> {
        let mut line = Vec::new();
        self.reader.read_until(b'\n', &mut line)?;
        if !line.ends_with(b"\r\n") {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed"));
        }
        line.truncate(line.len() - 2);
        Ok(line)
    }

    fn read(&mut self) -> io::Result<Reply> {
        let line = self.line()?;
        let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("bad reply line {}", quote(&line)));
        let (&kind, rest) = line.split_first().ok_or_else(bad)?;
        let number = || std::str::from_utf8(rest).ok().and_then(|s| s.parse::<i64>().ok()).ok_or_else(bad);
        Ok(match kind {
            b'+' => Reply::Status(String::from_utf8_lossy(rest).into_owned()),
            b'-' => Reply::Error(rest.to_vec()),
            b':' => Reply::Int(number()?),
            b'$' => {
                let n = number()?;
                if n < 0 {
                    Reply::Nil
                } else {
                    let mut buf = vec![0u8; n as usize + 2];
                    self.reader.read_exact(&mut buf)?;
                    buf.truncate(n as usize);
                    Reply::Bulk(buf)
                }
            }
            b'*' => {
                let n = number()?;
                if n < 0 {
                    Reply::NilArray
                } else {
                    let mut items = Vec::with_capacity(n as usize);
                    for _ in 0..n {
                        items.push(self.read()?);
                    }
                    Reply::Array(items)
                }
            }
            _ => return Err(bad()),
        })
    }

    /// Sends `commands` at once and reads their replies.
    fn pipeline(&mut self, commands: &[Vec<Vec<u8>>]) -> io::Result<Vec<Reply>> {
        self.send(commands)?;
        commands.iter().map(|_| self.read()).collect()
    }

    fn cmd(&mut self, args: &[&[u8]]) -> io::Result<Reply> {
        let one: Vec<Vec<u8>> = args.iter().map(|a| a.to_vec()).collect();
        Ok(self.pipeline(&[one])?.remove(0))
    }
}

fn cmd(args: &[&[u8]]) -> Vec<Vec<u8>> {
    args.iter().map(|a| a.to_vec()).collect()
}

// ---------------------------------------------------------------------------------------
// A throwaway redis-server.

struct Server {
    child: Child,
    watchdog: Option<Child>,
    port: u16,
    dir: PathBuf,
}

/// The server binary: `redis-server` (the corpus was recorded on Redis, whose outcomes
/// other servers do not all share), or `REDLUA_REPLAY_SERVER`.
fn server_binary() -> String {
    std::env::var("REDLUA_REPLAY_SERVER").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| "redis-server".to_string())
}

impl Server {
    /// Starts a server on a free loopback port, with no persistence, a 100 ms busy
    /// threshold (so that a runaway function can be killed) and at most 1 GiB of address
    /// space (a function that allocates without bound crashes it, not the machine).
    fn start() -> Server {
        let binary = server_binary();
        match Command::new(&binary).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status() {
            Ok(s) if s.success() => {}
            Ok(s) => panic!("`{binary} --version` failed ({s}): the replay needs a working redis-server"),
            Err(e) => panic!("cannot run `{binary}` ({e}): the replay needs redis-server on the PATH (apt-get install redis-server)"),
        }
        let mut last = String::new();
        for attempt in 0..10 {
            let port = match TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
                Ok(a) => a.port(),
                Err(e) => panic!("no free loopback port: {e}"),
            };
            let dir = std::env::temp_dir().join(format!("redlua-replay-{}-{port}-{attempt}", std::process::id()));
            let _ = std::fs::create_dir_all(&dir);
            let child = Command::new("sh")
                .arg("-c")
                .arg("ulimit -v 1048576 2>/dev/null; exec \"$0\" \"$@\"")
                .arg(&binary)
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                .args(["--busy-reply-threshold", "100", "--daemonize", "no", "--logfile", ""])
                .arg("--dir")
                .arg(&dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            let child = match child {
                Ok(c) => c,
                Err(e) => panic!("cannot start {binary}: {e}"),
            };
            // A watchdog ends the server when this process ends without dropping it (a
            // test killed on a timeout).
            let watchdog = Command::new("sh")
                .arg("-c")
                .arg("while kill -0 \"$0\" 2>/dev/null && kill -0 \"$1\" 2>/dev/null; do sleep 1; done; kill -9 \"$1\" 2>/dev/null")
                .arg(std::process::id().to_string())
                .arg(child.id().to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok();
            let mut server = Server { child, watchdog, port, dir };
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(status)) = server.child.try_wait() {
                    last = format!("{binary} exited with {status}");
                    break;
                }
                if let Ok(mut c) = Conn::connect(port, Duration::from_secs(2)) {
                    if matches!(c.cmd(&[b"PING"]), Ok(Reply::Status(s)) if s == "PONG") {
                        return server;
                    }
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if last.is_empty() {
                last = format!("{binary} did not answer PING on port {port}");
            }
        }
        panic!("could not start a redis-server: {last}");
    }

    fn version(&self) -> String {
        let Ok(mut c) = Conn::connect(self.port, Duration::from_secs(5)) else { return "unknown".into() };
        let Ok(Reply::Bulk(info)) = c.cmd(&[b"INFO", b"server"]) else { return "unknown".into() };
        let info = String::from_utf8_lossy(&info).into_owned();
        info.lines().find_map(|l| l.strip_prefix("redis_version:")).unwrap_or("unknown").trim().to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(w) = &mut self.watchdog {
            let _ = w.kill();
            let _ = w.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A `MONITOR` connection: the commands a function sent, in order.
struct Monitor {
    reader: BufReader<TcpStream>,
}

impl Monitor {
    fn start(port: u16) -> io::Result<Monitor> {
        let mut c = Conn::connect(port, REPLAY_TIMEOUT)?;
        match c.cmd(&[b"MONITOR"])? {
            Reply::Status(s) if s == "OK" => Ok(Monitor { reader: c.reader }),
            other => Err(io::Error::other(format!("MONITOR answered {}", other.render()))),
        }
    }

    /// The commands sent from Lua (as MONITOR prints them: quoted arguments) before the
    /// `ECHO <marker>` of the client.
    fn until(&mut self, marker: &str) -> io::Result<Vec<String>> {
        let echo = format!("\"ECHO\" \"{marker}\"");
        let mut sent = Vec::new();
        loop {
            let mut line = Vec::new();
            self.reader.read_until(b'\n', &mut line)?;
            if !line.ends_with(b"\r\n") {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "monitor closed"));
            }
            let line = String::from_utf8_lossy(&line[..line.len() - 2]).into_owned();
            if line.ends_with(&echo) {
                return Ok(sent);
            }
            if let Some(at) = line.find(" lua] ") {
                sent.push(line[at + 6..].to_string());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Sources and the corpus.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Library,
    Script,
}

/// A recorded call and its outcome.
#[derive(Debug, Clone, PartialEq)]
struct Case {
    state: String,
    keys: Vec<Vec<u8>>,
    args: Vec<Vec<u8>>,
    outcome: Outcome,
}

/// What a call did: its reply, the commands it sent and how the keyspace changed
/// (`key "k" <type> <value> [ttl]` for a key created or changed, `gone "k"` for a key
/// deleted).
#[derive(Debug, Clone, Default, PartialEq)]
struct Outcome {
    reply: String,
    sent: Vec<String>,
    changes: Vec<String>,
}

impl Outcome {
    fn write(&self, out: &mut String) {
        let _ = writeln!(out, "reply {}", self.reply);
        for s in &self.sent {
            let _ = writeln!(out, "sent {s}");
        }
        for c in &self.changes {
            let _ = writeln!(out, "{c}");
        }
    }

    fn text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }
}

#[derive(Debug, Clone)]
struct FnRecord {
    name: String,
    read_only: bool,
    /// Named keyspaces: the commands that seed each one.
    states: Vec<(String, Vec<Vec<Vec<u8>>>)>,
    cases: Vec<Case>,
}

#[derive(Debug, Clone)]
struct CorpusFile {
    origin: String,
    server: String,
    kind: Kind,
    name: String,
    /// The Rust source: the module (or function) with its attributes.
    source: String,
    /// The library's functions as `FUNCTION LIST` gives them: `name flag..`.
    listing: Vec<String>,
    functions: Vec<FnRecord>,
}

const HEADER: &str = "\
# Replay corpus of compiler/tests/replay.rs: calls of one redlua library (or script) and
# the outcome the Lua of the compiler gave on a real redis-server when it was recorded.
# Generated by `cargo xtask record-replay`; do not edit. A change of the generated Lua's
# meaning is reviewed, and the corpus re-recorded in the same commit.
";

impl CorpusFile {
    fn to_text(&self) -> String {
        let mut out = String::from(HEADER);
        let _ = writeln!(out, "origin {}", self.origin);
        let _ = writeln!(out, "server {}", self.server);
        let _ = writeln!(out, "{} {}", if self.kind == Kind::Library { "library" } else { "script" }, self.name);
        for line in self.source.lines() {
            let _ = writeln!(out, "|{}{}", if line.is_empty() { "" } else { " " }, line);
        }
        for l in &self.listing {
            let _ = writeln!(out, "listing {l}");
        }
        for f in &self.functions {
            let _ = writeln!(out, "\nfunction {} {}", f.name, if f.read_only { "read-only" } else { "read-write" });
            for (name, cmds) in &f.states {
                let _ = writeln!(out, "state {name}");
                for c in cmds {
                    let _ = writeln!(out, "| {}", c.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" "));
                }
            }
            for c in &f.cases {
                let _ = writeln!(out, "\ncall {}", c.state);
                let _ = writeln!(out, "keys {}", c.keys.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" "));
                let _ = writeln!(out, "args {}", c.args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" "));
                c.outcome.write(&mut out);
            }
        }
        out
    }

    fn parse(text: &str) -> Result<CorpusFile, String> {
        let mut file = CorpusFile { origin: String::new(), server: String::new(), kind: Kind::Library, name: String::new(), source: String::new(), listing: Vec::new(), functions: Vec::new() };
        // Where `| ` lines go: the source, or the last state.
        let mut in_source = false;
        let mut named = false;
        for (n, line) in text.lines().enumerate() {
            let err = |m: &str| format!("line {}: {m}: {line:?}", n + 1);
            if line.is_empty() || line.starts_with('#') {
                in_source = false;
                continue;
            }
            if let Some(rest) = line.strip_prefix('|') {
                if in_source {
                    file.source.push_str(rest.strip_prefix(' ').unwrap_or(rest));
                    file.source.push('\n');
                } else {
                    let state = file.functions.last_mut().and_then(|f| f.states.last_mut()).ok_or_else(|| err("a `|` line outside a source or state"))?;
                    state.1.push(unquote_all(rest)?);
                }
                continue;
            }
            in_source = false;
            let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
            match word {
                "origin" => file.origin = rest.to_string(),
                "server" => file.server = rest.to_string(),
                "library" | "script" => {
                    file.kind = if word == "library" { Kind::Library } else { Kind::Script };
                    file.name = rest.to_string();
                    in_source = true;
                    named = true;
                }
                "listing" => file.listing.push(rest.to_string()),
                "function" => {
                    let (name, mode) = rest.split_once(' ').ok_or_else(|| err("expected `function <name> <mode>`"))?;
                    file.functions.push(FnRecord { name: name.to_string(), read_only: mode == "read-only", states: Vec::new(), cases: Vec::new() });
                }
                "state" => file.functions.last_mut().ok_or_else(|| err("a state outside a function"))?.states.push((rest.to_string(), Vec::new())),
                "call" => file.functions.last_mut().ok_or_else(|| err("a call outside a function"))?.cases.push(Case { state: rest.to_string(), keys: Vec::new(), args: Vec::new(), outcome: Outcome::default() }),
                "keys" | "args" | "reply" | "sent" | "key" | "gone" => {
                    let case = file_last_case(&mut file.functions).ok_or_else(|| err("outside a call"))?;
                    match word {
                        "keys" => case.keys = unquote_all(rest)?,
                        "args" => case.args = unquote_all(rest)?,
                        "reply" => case.outcome.reply = rest.to_string(),
                        "sent" => case.outcome.sent.push(rest.to_string()),
                        _ => case.outcome.changes.push(line.to_string()),
                    }
                }
                _ => return Err(err("unknown line")),
            }
        }
        if !named || file.source.is_empty() {
            return Err("no `library` or `script` source".to_string());
        }
        Ok(file)
    }
}

fn file_last_case(functions: &mut [FnRecord]) -> Option<&mut Case> {
    functions.last_mut()?.cases.last_mut()
}

/// `#[redlua::library(..)]`, or `#[library(..)]` when imported (as the CLI reads it).
fn is_library_attr(attr: &syn::Attribute) -> bool {
    let segments = &attr.path().segments;
    match segments.len() {
        1 => segments[0].ident == "library",
        2 => segments[0].ident == "redlua" && segments[1].ident == "library",
        _ => false,
    }
}

fn attr_args(attr: &syn::Attribute) -> TokenStream {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        syn::Meta::NameValue(nv) => nv.value.to_token_stream(),
        syn::Meta::Path(_) => TokenStream::new(),
    }
}

/// A compiled library or script: what the replay loads and calls.
struct Compiled {
    /// The library name (empty for a script).
    name: String,
    lua: String,
    /// `(lua_line, rust_line)` pairs.
    lines: Vec<(u32, u32)>,
    functions: Vec<ir::Function>,
}

/// Compiles a recorded source with the compiler under test.
fn compile(kind: Kind, source: &str) -> Result<Compiled, String> {
    let diagnostics = |ds: Vec<redlua_compiler::diag::Diagnostic>| {
        if ds.is_empty() {
            "the compiler refused it without a diagnostic".to_string()
        } else {
            ds.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
        }
    };
    match kind {
        Kind::Library => {
            let mut module: syn::ItemMod = syn::parse_str(source).map_err(|e| format!("not a module: {e}"))?;
            let at = module.attrs.iter().position(is_library_attr).ok_or("no #[redlua::library] attribute")?;
            let attr = module.attrs.remove(at);
            let lib = redlua_compiler::compile_library(attr_args(&attr), module.to_token_stream()).map_err(diagnostics)?;
            Ok(Compiled { name: lib.name, lua: lib.lua, lines: lib.lines, functions: lib.functions })
        }
        Kind::Script => {
            let mut function: syn::ItemFn = syn::parse_str(source).map_err(|e| format!("not a function: {e}"))?;
            let at = function.attrs.iter().position(redlua_compiler::parse::is_redis_function_attr).ok_or("no #[redis_function] attribute")?;
            let attr = function.attrs.remove(at);
            let script = redlua_compiler::compile_script(attr_args(&attr), function.to_token_stream()).map_err(diagnostics)?;
            Ok(Compiled { name: String::new(), lua: script.lua, lines: script.lines, functions: vec![script.function] })
        }
    }
}

/// The line map of the Lua (which the runtime uses to point at the Rust line of an
/// error) names exactly the Lua lines that end with a `-- source.rs:<line>` comment, with
/// that Rust line.
fn check_line_map(compiled: &Compiled) -> Result<(), String> {
    let mut commented = Vec::new();
    for (i, line) in compiled.lua.lines().enumerate() {
        if let Some(at) = line.rfind("  -- source.rs:") {
            if let Ok(n) = line[at + "  -- source.rs:".len()..].parse::<u32>() {
                commented.push((i as u32 + 1, n));
            }
        }
    }
    if commented.is_empty() {
        return Err("no Lua line names its Rust line".to_string());
    }
    if commented != compiled.lines {
        return Err(format!("the line map is {:?}\nbut the comments of the Lua say {commented:?}", compiled.lines));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Running calls.

/// What went wrong with a call, other than its outcome.
#[derive(Debug)]
enum Trouble {
    /// No reply in time: the function runs on (a loop that does not end).
    Timeout(Duration),
    /// The connection failed (the server crashed?).
    Io(io::Error),
    /// A setup command failed.
    Setup(String),
}

impl std::fmt::Display for Trouble {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Trouble::Timeout(d) => write!(f, "no reply after {d:?}"),
            Trouble::Io(e) => write!(f, "connection failed: {e}"),
            Trouble::Setup(s) => write!(f, "setup failed: {s}"),
        }
    }
}

impl From<io::Error> for Trouble {
    fn from(e: io::Error) -> Self {
        if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) {
            Trouble::Timeout(Duration::ZERO)
        } else {
            Trouble::Io(e)
        }
    }
}

/// One value per key: `<type> <value>[ ttl]`.
type Dump = BTreeMap<Vec<u8>, String>;

/// A server with its client and monitor connections, and the library loaded into it.
struct Session {
    server: Server,
    conn: Conn,
    monitor: Monitor,
    /// The script's SHA1 (EVALSHA), when a script is loaded.
    script_sha: Option<Vec<u8>>,
    markers: u64,
    /// A key of the last dump expires within 10 s: its presence depends on timing.
    short_ttl: bool,
}

impl Session {
    fn start(timeout: Duration) -> Session {
        let server = Server::start();
        let conn = Conn::connect(server.port, timeout).unwrap_or_else(|e| panic!("cannot connect to the redis-server: {e}"));
        let monitor = Monitor::start(server.port).unwrap_or_else(|e| panic!("cannot start MONITOR: {e}"));
        Session { server, conn, monitor, script_sha: None, markers: 0, short_ttl: false }
    }

    /// Loads a compiled library (replacing every other) or script.
    fn load(&mut self, kind: Kind, compiled: &Compiled) -> Result<(), String> {
        let replies = self.conn.pipeline(&[cmd(&[b"FUNCTION", b"FLUSH", b"SYNC"]), cmd(&[b"SCRIPT", b"FLUSH", b"SYNC"])]).map_err(|e| e.to_string())?;
        if let Some(r) = replies.iter().find(|r| matches!(r, Reply::Error(_))) {
            return Err(r.render());
        }
        self.script_sha = None;
        let (what, reply) = match kind {
            Kind::Library => ("FUNCTION LOAD", self.conn.cmd(&[b"FUNCTION", b"LOAD", compiled.lua.as_bytes()])),
            Kind::Script => ("SCRIPT LOAD", self.conn.cmd(&[b"SCRIPT", b"LOAD", compiled.lua.as_bytes()])),
        };
        match reply.map_err(|e| e.to_string())? {
            Reply::Bulk(b) => {
                if kind == Kind::Script {
                    self.script_sha = Some(b);
                }
                Ok(())
            }
            other => Err(format!("{what} answered {}", other.render())),
        }
    }

    /// The functions of the loaded library, as `name flag..` (sorted).
    fn listing(&mut self) -> Result<Vec<String>, String> {
        let reply = self.conn.cmd(&[b"FUNCTION", b"LIST"]).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        let Reply::Array(libs) = reply else { return Err(format!("FUNCTION LIST answered {}", reply.render())) };
        for lib in libs {
            let Reply::Array(fields) = lib else { continue };
            let Some(functions) = field(&fields, b"functions") else { continue };
            let Reply::Array(functions) = functions else { continue };
            for f in functions {
                let Reply::Array(ff) = f else { continue };
                let name = field(ff, b"name").and_then(Reply::bytes).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
                let mut flags: Vec<String> = match field(ff, b"flags") {
                    Some(Reply::Array(fl)) => fl.iter().map(|r| match r {
                        Reply::Status(s) => s.clone(),
                        other => other.bytes().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_else(|| other.render()),
                    }).collect(),
                    _ => Vec::new(),
                };
                flags.sort();
                let mut line = name;
                for fl in flags {
                    line.push(' ');
                    line.push_str(&fl);
                }
                out.push(line);
            }
        }
        out.sort();
        Ok(out)
    }

    /// Empties the keyspace and runs `seed`.
    fn seed(&mut self, seed: &[Vec<Vec<u8>>]) -> Result<(), Trouble> {
        let mut commands = vec![cmd(&[b"FLUSHALL", b"SYNC"])];
        commands.extend(seed.iter().cloned());
        let replies = self.conn.pipeline(&commands)?;
        if let Some(r) = replies.iter().find(|r| matches!(r, Reply::Error(_))) {
            return Err(Trouble::Setup(r.render()));
        }
        Ok(())
    }

    /// Every key with its type, whole value and TTL presence.
    fn dump(&mut self) -> Result<Dump, Trouble> {
        self.short_ttl = false;
        let Reply::Array(keys) = self.conn.cmd(&[b"KEYS", b"*"])? else { return Err(Trouble::Setup("KEYS".into())) };
        let mut keys: Vec<Vec<u8>> = keys.into_iter().filter_map(|k| if let Reply::Bulk(b) = k { Some(b) } else { None }).collect();
        keys.sort();
        let mut meta = Vec::new();
        for k in &keys {
            meta.push(cmd(&[b"TYPE", k]));
            meta.push(cmd(&[b"PTTL", k]));
        }
        let meta = self.conn.pipeline(&meta)?;
        let mut reads = Vec::new();
        let mut types = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let ty = match &meta[2 * i] {
                Reply::Status(s) => s.clone(),
                other => other.render(),
            };
            reads.push(match ty.as_str() {
                "string" => cmd(&[b"GET", k]),
                "list" => cmd(&[b"LRANGE", k, b"0", b"-1"]),
                "hash" => cmd(&[b"HGETALL", k]),
                "set" => cmd(&[b"SMEMBERS", k]),
                "zset" => cmd(&[b"ZRANGE", k, b"0", b"-1", b"WITHSCORES"]),
                "stream" => cmd(&[b"XRANGE", k, b"-", b"+"]),
                _ => cmd(&[b"TYPE", k]),
            });
            types.push(ty);
        }
        let values = self.conn.pipeline(&reads)?;
        let mut dump = Dump::new();
        for (i, k) in keys.into_iter().enumerate() {
            let mut value = values[i].clone();
            // The order of a set, and of a large hash, depends on the server's hash seed.
            if let Reply::Array(items) = &mut value {
                if types[i] == "set" {
                    items.sort_by_key(|r| r.bytes().map(<[u8]>::to_vec));
                } else if types[i] == "hash" {
                    let mut pairs: Vec<Vec<Reply>> = items.chunks(2).map(<[Reply]>::to_vec).collect();
                    pairs.sort_by_key(|p| p[0].bytes().map(<[u8]>::to_vec));
                    *items = pairs.concat();
                }
            }
            let ttl = matches!(meta[2 * i + 1], Reply::Int(n) if n >= 0);
            if matches!(meta[2 * i + 1], Reply::Int(n) if (0..10_000).contains(&n)) {
                self.short_ttl = true;
            }
            dump.insert(k, format!("{} {}{}", types[i], value.render(), if ttl { " ttl" } else { "" }));
        }
        Ok(dump)
    }

    /// Calls `function` on the keyspace `before` (already seeded): its reply, the commands
    /// it sent and how the keyspace changed.
    fn call(&mut self, function: &FnRecord, name: &str, keys: &[Vec<u8>], args: &[Vec<u8>], before: &Dump) -> Result<(Outcome, Duration), Trouble> {
        self.markers += 1;
        let marker = format!("replay-marker-{}", self.markers);
        let numkeys = keys.len().to_string();
        let mut call: Vec<Vec<u8>> = match &self.script_sha {
            Some(sha) => vec![if function.read_only { b"EVALSHA_RO".to_vec() } else { b"EVALSHA".to_vec() }, sha.clone()],
            None => vec![if function.read_only { b"FCALL_RO".to_vec() } else { b"FCALL".to_vec() }, name.as_bytes().to_vec()],
        };
        call.push(numkeys.into_bytes());
        call.extend(keys.iter().cloned());
        call.extend(args.iter().cloned());
        let started = Instant::now();
        self.conn.send(&[call, cmd(&[b"ECHO", marker.as_bytes()])])?;
        let reply = self.conn.read().map_err(|e| match Trouble::from(e) {
            Trouble::Timeout(_) => Trouble::Timeout(started.elapsed()),
            t => t,
        })?;
        let took = started.elapsed();
        self.conn.read()?;
        let sent = self.monitor.until(&marker)?;
        let after = self.dump()?;
        let mut changes = Vec::new();
        for (k, v) in &after {
            if before.get(k) != Some(v) {
                changes.push(format!("key {} {v}", quote(k)));
            }
        }
        for k in before.keys() {
            if !after.contains_key(k) {
                changes.push(format!("gone {}", quote(k)));
            }
        }
        Ok((Outcome { reply: without_lua_lines(&reply.render()), sent, changes }, took))
    }
}

/// `text` with the Lua line numbers Redis adds to errors (`@user_function:41`,
/// `user_script:3:`) replaced by `N`: where the generated Lua puts a statement is not
/// its meaning.
fn without_lua_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // An EVAL script's error names its SHA1, which any change of the Lua's text changes.
    let text = &without_script_shas(text);
    let mut rest = text.as_str();
    while let Some(at) = ["user_function:", "user_script:"].iter().filter_map(|p| rest.find(p).map(|i| i + p.len())).min() {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            out.push('N');
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// `script: <40 hex digits>` (the SHA1 of an EVAL script in its errors) as `script: SHA`.
fn without_script_shas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("script: ").map(|i| i + "script: ".len()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.len() >= 40 && rest.as_bytes()[..40].iter().all(u8::is_ascii_hexdigit) && !rest.as_bytes().get(40).is_some_and(u8::is_ascii_hexdigit) {
            out.push_str("SHA");
            rest = &rest[40..];
        }
    }
    out.push_str(rest);
    out
}

fn field<'a>(flat: &'a [Reply], name: &[u8]) -> Option<&'a Reply> {
    flat.chunks(2).find(|kv| kv[0].bytes() == Some(name) || matches!(&kv[0], Reply::Status(s) if s.as_bytes() == name)).and_then(|kv| kv.get(1))
}

// ---------------------------------------------------------------------------------------
// The replay.

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", corpus_dir().display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "case"))
        .filter(|p| filter().is_none_or(|f| p.file_name().is_some_and(|n| n.to_string_lossy().contains(&f))))
        .collect();
    files.sort();
    files
}

#[test]
fn replay() {
    redlua_compiler::driver::on_large_stack(replay_corpus);
}

fn replay_corpus() {
    let started = Instant::now();
    let files = corpus_files();
    assert!(filter().is_some() || files.len() >= 40, "expected the replay corpus in {}, found {} files", corpus_dir().display(), files.len());
    let mut session = Session::start(REPLAY_TIMEOUT);
    let version = session.server.version();
    let mut failures: Vec<String> = Vec::new();
    let (mut calls, mut functions) = (0usize, 0usize);
    'files: for path in &files {
        let short = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let file = match CorpusFile::parse(&text) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{short}: unreadable corpus file: {e}"));
                continue;
            }
        };
        if file.server != version {
            report(&format!("replay: {short} was recorded on redis {}, this is redis {version}: outcomes may differ", file.server));
        }
        let compiled = match compile(file.kind, &file.source) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{short}: the compiler refuses the source of {} ({}):\n{e}", file.name, file.origin));
                continue;
            }
        };
        if let Err(e) = check_line_map(&compiled) {
            failures.push(format!("{short}: {e}"));
        }
        if let Err(e) = session.load(file.kind, &compiled) {
            failures.push(format!("{short}: the Lua of {} does not load: {e}\n--- Lua ---\n{}", file.name, compiled.lua));
            continue;
        }
        if file.kind == Kind::Library {
            match session.listing() {
                Ok(l) if l == file.listing => {}
                Ok(l) => failures.push(format!("{short}: FUNCTION LIST differs:\n  recorded: {:?}\n  now:      {l:?}", file.listing)),
                Err(e) => failures.push(format!("{short}: FUNCTION LIST failed: {e}")),
            }
        }
        for function in &file.functions {
            functions += 1;
            let name = if file.kind == Kind::Library { function.name.clone() } else { String::new() };
            let mut befores: BTreeMap<&str, Dump> = BTreeMap::new();
            for case in &function.cases {
                if failures.len() >= MAX_FAILURES {
                    break 'files;
                }
                calls += 1;
                let Some((_, seed)) = function.states.iter().find(|(n, _)| *n == case.state) else {
                    failures.push(format!("{short}: {}: unknown state {}", function.name, case.state));
                    continue;
                };
                // A rare outcome that depends on time (a TTL read back) may differ once:
                // a call is tried three times before it counts as a difference.
                let mut attempts = Vec::new();
                for _ in 0..3 {
                    let result = session.seed(seed).and_then(|()| {
                        if !befores.contains_key(case.state.as_str()) {
                            let d = session.dump()?;
                            befores.insert(case.state.as_str(), d);
                        }
                        session.call(function, &name, &case.keys, &case.args, &befores[case.state.as_str()])
                    });
                    match result {
                        // Recorded replies may name a script's SHA1, which changes with its text.
                        Ok((outcome, _)) if outcome == case.outcome || outcome.reply == without_lua_lines(&case.outcome.reply) && outcome.sent == case.outcome.sent && outcome.changes == case.outcome.changes => {
                            attempts.clear();
                            break;
                        }
                        Ok((outcome, _)) => attempts.push(outcome.text()),
                        Err(trouble) => {
                            attempts.push(format!("{trouble}\n"));
                            // The server may be stuck or gone: a fresh one, and on.
                            session = Session::start(REPLAY_TIMEOUT);
                            if let Err(e) = session.load(file.kind, &compiled) {
                                failures.push(format!("{short}: reloading after a failed call: {e}"));
                                continue 'files;
                            }
                            befores.clear();
                            break;
                        }
                    }
                }
                if let Some(got) = attempts.last() {
                    failures.push(format!(
                        "{short}: {} ({}) differs\n  state {}\n  keys  {}\n  args  {}\n--- recorded ---\n{}--- now ---\n{}",
                        function.name,
                        file.origin,
                        case.state,
                        case.keys.iter().map(|k| quote(k)).collect::<Vec<_>>().join(" "),
                        case.args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" "),
                        case.outcome.text(),
                        got
                    ));
                }
            }
        }
    }
    report(&format!(
        "replay: {} sources, {functions} functions, {calls} calls replayed on redis {version} in {:.1}s, {} difference(s)",
        files.len(),
        started.elapsed().as_secs_f64(),
        failures.len()
    ));
    assert!(
        failures.is_empty(),
        "the Lua of the compiler no longer gives the recorded outcomes ({} shown, the first {MAX_FAILURES} at most).\n\
         If the change of meaning is intended, review it and re-record: `cargo xtask record-replay`.\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_text_forms_round_trip() {
    let values: Vec<Vec<u8>> = vec![b"".to_vec(), b"a b".to_vec(), "héllo \"q\" \\ \n\r\t\x01\x7f".as_bytes().to_vec(), vec![0xff, 0xfe, b'x', 0]];
    let line = values.iter().map(|v| quote(v)).collect::<Vec<_>>().join(" ");
    assert!(!line.contains('\n'));
    assert_eq!(unquote_all(&line).unwrap(), values);
    assert!(unquote_all("\"open").is_err());
    assert!(unquote_all("bare").is_err());
    let reply = Reply::Array(vec![Reply::Int(-1), Reply::Nil, Reply::Bulk(b"x".to_vec()), Reply::Error(b"ERR no".to_vec()), Reply::Status("OK".into())]);
    assert_eq!(reply.render(), "[:-1, nil, \"x\", error \"ERR no\", +OK]");
    assert_eq!(
        without_lua_lines("ERR x script: f, on @user_function:41. user_script:3: y user_function:z"),
        "ERR x script: f, on @user_function:N. user_script:N: y user_function:z"
    );
    assert_eq!(
        without_lua_lines("ERR x script: 3b81f2b17e2819ff7cb7c3a393b0ba08f1e68db1, on @user_script:7. script: f"),
        "ERR x script: SHA, on @user_script:N. script: f"
    );
}

#[test]
fn a_corpus_file_reads_back_as_written() {
    let file = CorpusFile {
        origin: "tests/integration/x.rs:3".into(),
        server: "7.0.15".into(),
        kind: Kind::Library,
        name: "x".into(),
        source: "#[redlua::library(name = \"x\")]\nmod x {\n\n    fn f() {}\n}\n".into(),
        listing: vec!["f no-writes".into()],
        functions: vec![FnRecord {
            name: "f".into(),
            read_only: true,
            states: vec![("empty".into(), vec![]), ("strings".into(), vec![vec![b"SET".to_vec(), b"k".to_vec(), b"-0".to_vec()]])],
            cases: vec![Case {
                state: "strings".into(),
                keys: vec![b"k".to_vec()],
                args: vec![],
                outcome: Outcome { reply: ":1".into(), sent: vec!["\"GET\" \"k\"".into()], changes: vec!["gone \"k\"".into()] },
            }],
        }],
    };
    let text = file.to_text();
    let back = CorpusFile::parse(&text).unwrap();
    assert_eq!(back.to_text(), text);
    assert_eq!(back.source, file.source);
    assert_eq!(back.functions[0].cases, file.functions[0].cases);
    assert_eq!(back.functions[0].states, file.functions[0].states);
}

// ---------------------------------------------------------------------------------------
// The recorder: `cargo xtask record-replay`.

/// A library or script found in the workspace.
struct Found {
    origin: String,
    kind: Kind,
    source: String,
    /// A short name for the corpus file.
    stem: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if p.is_dir() {
            rust_files(&p, out);
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg") && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().trim() == "test"))
}

/// The byte offset of a line and column (in characters) of `text`.
fn offset(text: &str, at: LineColumn) -> usize {
    let start: usize = text.split_inclusive('\n').take(at.line.saturating_sub(1)).map(str::len).sum();
    let line = &text[start..];
    start + line.char_indices().nth(at.column).map_or(line.len(), |(i, _)| i)
}

/// The text of an item from its first attribute (from the start of its line when only
/// blanks come before) to its closing brace.
fn item_text(text: &str, first: LineColumn, last: LineColumn) -> String {
    let mut from = offset(text, first);
    let line_start = text[..from].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..from].trim().is_empty() {
        from = line_start;
    }
    text[from..offset(text, last)].to_string()
}

fn find_items(items: &[syn::Item], text: &str, origin_file: &str, out: &mut Vec<Found>) {
    for item in items {
        match item {
            syn::Item::Mod(m) if !is_cfg_test(&m.attrs) => {
                if m.attrs.iter().any(is_library_attr) {
                    let Some((brace, _)) = &m.content else { continue };
                    let first = m.attrs.first().map_or(m.mod_token.span, |a| a.pound_token.span).start();
                    out.push(Found {
                        origin: format!("{origin_file}:{}", m.mod_token.span.start().line),
                        kind: Kind::Library,
                        source: item_text(text, first, brace.span.close().end()),
                        stem: m.ident.to_string(),
                    });
                } else if let Some((_, items)) = &m.content {
                    find_items(items, text, origin_file, out);
                }
            }
            syn::Item::Fn(f) if !is_cfg_test(&f.attrs) => {
                if f.attrs.iter().any(redlua_compiler::parse::is_redis_function_attr) {
                    let first = f.attrs.first().map_or(f.sig.fn_token.span, |a| a.pound_token.span).start();
                    out.push(Found {
                        origin: format!("{origin_file}:{}", f.sig.fn_token.span.start().line),
                        kind: Kind::Script,
                        source: item_text(text, first, f.block.brace_token.span.close().end()),
                        stem: f.sig.ident.to_string(),
                    });
                } else {
                    // Libraries declared inside a test function.
                    let inner: Vec<syn::Item> = f.block.stmts.iter().filter_map(|s| if let syn::Stmt::Item(i) = s { Some(i.clone()) } else { None }).collect();
                    find_items(&inner, text, origin_file, out);
                }
            }
            _ => {}
        }
    }
}

fn find_sources(root: &Path) -> Vec<Found> {
    let mut files = Vec::new();
    for dir in SOURCE_DIRS {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else { continue };
        let Ok(parsed) = syn::parse_file(&text) else { continue };
        let rel = f.strip_prefix(root).unwrap_or(&f).to_string_lossy().replace('\\', "/");
        find_items(&parsed.items, &text, &rel, &mut out);
    }
    out
}

/// splitmix64: a small reproducible generator.
struct Rng(u64);

impl Rng {
    fn new(seed: &str) -> Rng {
        // FNV-1a of the seed text.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Literals of a source: short strings, and integers (with their neighbours): arguments
/// and hash fields that meet the function's own comparisons and names.
struct Dictionary {
    words: Vec<String>,
    ints: Vec<i64>,
}

fn dictionary(source: &str) -> Dictionary {
    fn walk(ts: TokenStream, d: &mut Dictionary) {
        let mut after_pound = false;
        for tt in ts {
            let pound = matches!(&tt, TokenTree::Punct(p) if p.as_char() == '#');
            match tt {
                // Attributes (documentation, names) are not data.
                TokenTree::Group(_) if after_pound => {}
                TokenTree::Group(g) => walk(g.stream(), d),
                TokenTree::Literal(l) => {
                    let text = l.to_string();
                    if let Ok(s) = syn::parse_str::<syn::LitStr>(&text) {
                        let v = s.value();
                        if !v.is_empty() && v.len() <= 16 && !v.contains('{') && !v.contains('\n') && !d.words.contains(&v) {
                            d.words.push(v);
                        }
                    } else if let Ok(i) = syn::parse_str::<syn::LitInt>(&text) {
                        if let Ok(n) = i.base10_parse::<i64>() {
                            if n.abs() < 1 << 40 && !d.ints.contains(&n) {
                                d.ints.push(n);
                            }
                        }
                    }
                }
                _ => {}
            }
            after_pound = pound;
        }
    }
    let mut d = Dictionary { words: Vec::new(), ints: Vec::new() };
    if let Ok(ts) = source.parse::<TokenStream>() {
        walk(ts, &mut d);
    }
    // Redis names and messages are not data: keep the literals a function is likely to
    // compare with or store.
    d.words.retain(|w| !w.chars().all(|c| c.is_ascii_uppercase() || c == ' ' || c == '_') || w.len() <= 2);
    d.words.truncate(6);
    d.ints.retain(|n| ![0, 1, -1].contains(n));
    d.ints.truncate(6);
    d
}

fn s(v: &str) -> Vec<u8> {
    v.as_bytes().to_vec()
}

/// Edge values of a scalar parameter type, as ARGV text (some of them not valid for the
/// type: the function must refuse them).
fn pool(ty: &Ty, d: &Dictionary) -> Vec<Vec<u8>> {
    let near = |out: &mut Vec<Vec<u8>>| {
        for n in &d.ints {
            for m in [n - 1, *n, n + 1] {
                out.push(s(&m.to_string()));
            }
        }
    };
    let mut out: Vec<Vec<u8>> = match ty {
        Ty::Int => {
            let mut v: Vec<Vec<u8>> = ["0", "1", "-1", "2", "7", "-7", "100", "9007199254740991", "-9007199254740991", "-0", "+3", " 7", "9007199254740992", "1.5", "abc"].iter().map(|x| s(x)).collect();
            near(&mut v);
            v
        }
        Ty::IntN(k) => {
            let (lo, hi) = k.lua_bounds();
            let mut v: Vec<Vec<u8>> = ["0", "1", "7", "-1", "-0", "+2", "x"].iter().map(|x| s(x)).collect();
            for n in [i128::from(lo), i128::from(hi), i128::from(lo) - 1, i128::from(hi) + 1, i128::from(hi) - 1] {
                v.push(s(&n.to_string()));
            }
            near(&mut v);
            v
        }
        Ty::Float => {
            let mut v: Vec<Vec<u8>> = ["0", "-0", "1", "-1", "0.5", "-2.5", "1e300", "-1e300", "NaN", "inf", "-inf", "9007199254740993", "0.1", "3", "abc", " 1"].iter().map(|x| s(x)).collect();
            near(&mut v);
            v
        }
        Ty::Str | Ty::Key => {
            let mut v: Vec<Vec<u8>> = ["", "a", "7", "-0", " 7", "héllo", "日本", "abc", "0", "-1", "9007199254740992", "x y", "1.5"].iter().map(|x| s(x)).collect();
            v.extend(d.words.iter().map(|w| s(w)));
            v.extend(d.ints.iter().map(|n| s(&n.to_string())));
            v
        }
        Ty::Bool => vec![s("1"), s("0"), s("true")],
        _ => vec![s("0"), s("1"), s("")],
    };
    let mut seen = BTreeSet::new();
    out.retain(|x| seen.insert(x.clone()));
    out
}

/// The names of a function's keys: each `Key` parameter's name, `name:0`.. for a
/// `Vec<Key>` (three of them seeded).
fn key_names(f: &ir::Function) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for p in &f.params {
        match p.source {
            ParamSource::Key(_) => out.push(s(&p.name)),
            ParamSource::KeysFrom(_) => out.extend((0..3).map(|i| s(&format!("{}:{i}", p.name)))),
            _ => {}
        }
    }
    out
}

/// The seeded keyspaces of a function with keys `keys` (the first is always `empty`).
fn states(keys: &[Vec<u8>], d: &Dictionary) -> Vec<(String, Vec<Vec<Vec<u8>>>)> {
    if keys.is_empty() {
        return vec![("empty".into(), vec![])];
    }
    let mut words = d.words.clone();
    words.extend(["f", "g", "h"].iter().map(|w| w.to_string()));
    words.truncate(d.words.len().max(3));
    let word = |i: usize| words[i % words.len()].clone();
    let strings = ["7", "0", "-1", "abc", "", "9007199254740991", "-0", " 7", "héllo", "1.5"];
    let counters = ["10", "1", "-5", "0", "3"];
    let value = |kind: &str, k: &[u8], i: usize| -> Vec<Vec<u8>> {
        let k = k.to_vec();
        match kind {
            "string" => vec![s("SET"), k, s(strings[i % strings.len()])],
            "string2" => vec![s("SET"), k, s(strings[(i + 5) % strings.len()])],
            "counter" => vec![s("SET"), k, s(counters[i % counters.len()])],
            "list" => {
                let mut c = vec![s("RPUSH"), k, s("7"), s("a")];
                if i.is_multiple_of(2) {
                    c.extend([s(&word(i)), s("-1"), s("héllo")]);
                }
                c
            }
            "hash" => vec![s("HSET"), k, s(&word(i)), s("7"), s(&word(i + 1)), s("-0"), s("a"), s("1"), s("n"), s("x")],
            "set" => vec![s("SADD"), k, s("a"), s("7"), s(&word(i)), s(&word(i + 2))],
            "zset" => vec![s("ZADD"), k, s("1"), s("a"), s("2.5"), s("b"), s("-1"), s(&word(i)), s("0"), s("7")],
            "stream" => vec![s("XADD"), k, s("1-1"), s("a"), s("1"), s(&word(i)), s("x")],
            "ttl" => vec![s("SET"), k, s("5"), s("PX"), s("100000000")],
            _ => vec![],
        }
    };
    let kinds = ["string", "list", "hash", "set", "zset"];
    let mut out = vec![("empty".to_string(), vec![])];
    for (kind, name) in [("string", "strings"), ("string2", "strings2"), ("counter", "counters"), ("list", "lists"), ("hash", "hashes"), ("set", "sets"), ("zset", "zsets"), ("stream", "streams"), ("ttl", "ttls")] {
        out.push((name.to_string(), keys.iter().enumerate().map(|(i, k)| value(kind, k, i)).collect()));
    }
    if keys.len() > 1 {
        out.push(("mixed".into(), keys.iter().enumerate().map(|(i, k)| value(kinds[(i + 1) % kinds.len()], k, i)).collect()));
    }
    // A TTL on a second key too, and a hash with a TTL.
    out.push(("expiring".into(), keys.iter().enumerate().flat_map(|(i, k)| {
        let mut v = vec![value(if i % 2 == 0 { "counter" } else { "hash" }, k, i)];
        v.push(vec![s("PEXPIRE"), k.clone(), s("100000000")]);
        v
    }).collect()));
    out
}

/// The inputs of one call: the keys, and the arguments drawn at `row` of each
/// parameter's pool (`random`: from anywhere in it).
fn inputs(f: &ir::Function, pools: &[Vec<Vec<u8>>], row: usize, alias: bool, rng: Option<&mut Rng>) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let mut rng = rng;
    let mut pick = |j: usize, len: usize, step: usize| -> usize {
        match rng.as_deref_mut() {
            Some(r) => r.below(len),
            None => (row + j * 5 + step * 7) % len.max(1),
        }
    };
    let lengths = [0usize, 1, 2, 3, 5];
    let mut keys = Vec::new();
    let mut args = Vec::new();
    let mut first_key: Option<Vec<u8>> = None;
    let mut absent = false;
    for (j, p) in f.params.iter().enumerate() {
        match (&p.source, &p.ty) {
            (ParamSource::Key(_), _) => {
                let k = s(&p.name);
                let k = if alias { first_key.clone().unwrap_or(k) } else { k };
                first_key.get_or_insert(k.clone());
                keys.push(k);
            }
            (ParamSource::KeysFrom(_), _) => {
                let n = pick(j, 4, 0);
                keys.extend((0..n).map(|i| s(&format!("{}:{i}", p.name))));
            }
            (ParamSource::Arg(_), _) => args.push(pools[j][pick(j, pools[j].len(), 0)].clone()),
            (ParamSource::OptArg(_), _) => {
                // Index 0 of an optional argument's pool stands for "left out"; once one
                // is left out, the ones after it are too (ARGV has no holes).
                let i = pick(j, pools[j].len() + 1, 0);
                if i == 0 || absent {
                    absent = true;
                } else {
                    args.push(pools[j][i - 1].clone());
                }
            }
            (ParamSource::ArgsFrom(_), _) => {
                let n = lengths[pick(j, lengths.len(), 1)];
                for e in 0..n {
                    args.push(pools[j][pick(j, pools[j].len(), e + 2)].clone());
                }
            }
        }
    }
    (keys, args)
}

fn scalar(ty: &Ty) -> &Ty {
    match ty {
        Ty::Option(t) | Ty::Vec(t) => t,
        t => t,
    }
}

/// The calls of one function: a few rows of inputs on each seeded keyspace (with the
/// keys aliased to one another once per keyspace), then random rows.
/// A named keyspace and the commands that seed it.
type State = (String, Vec<Vec<Vec<u8>>>);

/// A planned call: the keyspace, the keys and the arguments.
type Planned = (String, Vec<Vec<u8>>, Vec<Vec<u8>>);

fn plan(f: &ir::Function, d: &Dictionary, seed: &str) -> (Vec<State>, Vec<Planned>) {
    let pools: Vec<Vec<Vec<u8>>> = f.params.iter().map(|p| pool(scalar(&p.ty), d)).collect();
    let keys = key_names(f);
    let states = states(&keys, d);
    let widest = f.params.iter().enumerate().filter(|(_, p)| !matches!(p.source, ParamSource::Key(_) | ParamSource::KeysFrom(_))).map(|(j, _)| pools[j].len() + 1).max().unwrap_or(1);
    let has_vec_keys = f.params.iter().any(|p| matches!(p.source, ParamSource::KeysFrom(_)));
    let rows_per_state = if states.len() == 1 { widest.max(if has_vec_keys { 4 } else { 1 }) } else { widest.min(5).max(if has_vec_keys { 4 } else { 1 }) };
    let num_keys = f.params.iter().filter(|p| matches!(p.source, ParamSource::Key(_))).count();
    let mut calls = Vec::new();
    let mut seen = BTreeSet::new();
    let mut push = |state: &str, (k, a): (Vec<Vec<u8>>, Vec<Vec<u8>>), calls: &mut Vec<_>| {
        if seen.insert((state.to_string(), k.clone(), a.clone())) {
            calls.push((state.to_string(), k, a));
        }
    };
    for (si, (state, _)) in states.iter().enumerate() {
        for r in 0..rows_per_state {
            push(state, inputs(f, &pools, si * rows_per_state + r, false, None), &mut calls);
        }
        if num_keys > 1 {
            push(state, inputs(f, &pools, si, true, None), &mut calls);
        }
    }
    // Calls with a key or an argument too many or too few: the arity check.
    let (k, a) = inputs(f, &pools, 0, false, None);
    let mut wrong = vec![(k.clone(), a.clone()), (k.clone(), a.clone())];
    wrong[0].0.push(s("extra"));
    wrong[1].1.push(s("extra"));
    if !k.is_empty() {
        wrong.push((k[..k.len() - 1].to_vec(), a.clone()));
    }
    if !a.is_empty() {
        wrong.push((k.clone(), a[..a.len() - 1].to_vec()));
    }
    for w in wrong {
        push("empty", w, &mut calls);
    }
    let has_args = widest > 1;
    if has_args {
        let mut rng = Rng::new(seed);
        for _ in 0..12 {
            let state = states[rng.below(states.len())].0.clone();
            let i = inputs(f, &pools, 0, false, Some(&mut rng));
            push(&state, i, &mut calls);
        }
    }
    (states, calls)
}

/// How long a recorded call may take: slower ones are left out of the corpus.
const RECORD_SLOW: Duration = Duration::from_millis(250);

/// Records one call, on three servers (an outcome that differs from one run to the next,
/// such as the order of a large hash, which depends on the server's hash seed, is not
/// recorded). `None` when it cannot be recorded.
#[allow(clippy::too_many_arguments)]
fn record_call(sessions: &mut [Session; 3], kind: Kind, compiled: &Compiled, function: &FnRecord, seed: &[Vec<Vec<u8>>], keys: &[Vec<u8>], args: &[Vec<u8>], why: &mut BTreeMap<&'static str, usize>) -> Option<Outcome> {
    let name = if kind == Kind::Library { function.name.clone() } else { String::new() };
    let mut outcomes = Vec::new();
    for session in sessions.iter_mut() {
        // Each run in another millisecond: an outcome that holds the time differs.
        let ms = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
        let now = ms();
        while ms() == now {
            std::hint::spin_loop();
        }
        let result = session.seed(seed).and_then(|()| {
            let before = session.dump()?;
            session.call(function, &name, keys, args, &before)
        });
        match result {
            Ok(_) if session.short_ttl => {
                *why.entry("leaves a key that expires within 10 s").or_default() += 1;
                return None;
            }
            Ok((outcome, took)) if took <= RECORD_SLOW => outcomes.push(outcome),
            Ok(_) => {
                *why.entry("slower than 250 ms").or_default() += 1;
                return None;
            }
            Err(trouble) => {
                *why.entry(match trouble {
                    Trouble::Timeout(_) => "no reply within 2 s",
                    Trouble::Io(_) => "the server failed",
                    Trouble::Setup(_) => "setup failed",
                })
                .or_default() += 1;
                *session = Session::start(RECORD_TIMEOUT);
                session.load(kind, compiled).unwrap_or_else(|e| panic!("reloading {}: {e}", compiled.name));
                return None;
            }
        }
    }
    if outcomes.windows(2).any(|w| w[0] != w[1]) {
        *why.entry("differs from one run to the next").or_default() += 1;
        return None;
    }
    let outcome = outcomes.pop()?;
    if !outcome.reply.starts_with("error ") && outcome.sent.iter().any(|c| seed_ordered(c)) {
        *why.entry("sends a command whose reply order depends on the server's hash seed").or_default() += 1;
        return None;
    }
    Some(outcome)
}

/// True for a command (as MONITOR shows it) whose reply comes in an order that depends
/// on the server's hash seed or on chance: the members of a set of strings, random
/// picks, key scans. Three servers may agree on such an order by chance; calls that send
/// one are not recorded, unless they end in an error (whose text holds no such order).
fn seed_ordered(sent: &str) -> bool {
    const COMMANDS: &[&str] = &["SMEMBERS", "SINTER", "SUNION", "SDIFF", "SRANDMEMBER", "SPOP", "HRANDFIELD", "ZRANDMEMBER", "RANDOMKEY", "KEYS", "SCAN", "SSCAN", "HSCAN", "ZSCAN"];
    let name = sent.split('"').nth(1).unwrap_or("").to_ascii_uppercase();
    COMMANDS.contains(&name.as_str())
}

const RECORD_TIMEOUT: Duration = Duration::from_secs(2);

#[test]
#[ignore = "regenerates the replay corpus: `cargo xtask record-replay`"]
fn record() {
    // Parsing the workspace's sources recurses over their nesting (some nest hundreds of
    // expressions deep): on the compiler's stack.
    redlua_compiler::driver::on_large_stack(record_corpus);
}

fn record_corpus() {
    let root = workspace_root();
    let dir = corpus_dir();
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let found = find_sources(&root);
    assert!(found.len() >= 40, "expected the libraries of examples/ and tests/, found {}", found.len());
    let mut sessions = [Session::start(RECORD_TIMEOUT), Session::start(RECORD_TIMEOUT), Session::start(RECORD_TIMEOUT)];
    let version = sessions[0].server.version();
    let mut written = BTreeSet::new();
    let mut why: BTreeMap<&'static str, usize> = BTreeMap::new();
    let (mut calls, mut functions) = (0usize, 0usize);
    for item in &found {
        let origin_stem = item.origin.rsplit('/').next().unwrap_or("").split('.').next().unwrap_or("").to_string();
        let mut file_name = format!("{origin_stem}.{}.case", item.stem);
        let mut n = 2;
        while written.contains(&file_name) {
            file_name = format!("{origin_stem}.{}-{n}.case", item.stem);
            n += 1;
        }
        written.insert(file_name.clone());
        if filter().is_some_and(|f| !file_name.contains(&f)) {
            continue;
        }
        let compiled = match compile(item.kind, &item.source) {
            Ok(c) => c,
            Err(e) => panic!("{} does not compile:\n{e}", item.origin),
        };
        for session in &mut sessions {
            session.load(item.kind, &compiled).unwrap_or_else(|e| panic!("{}: {e}", item.origin));
        }
        let listing = if item.kind == Kind::Library { sessions[0].listing().unwrap_or_else(|e| panic!("{}: {e}", item.origin)) } else { Vec::new() };
        let d = dictionary(&item.source);
        let mut records = Vec::new();
        for f in &compiled.functions {
            let (states, plan) = plan(f, &d, &format!("{}/{}", item.origin, f.name));
            let mut record = FnRecord { name: f.name.clone(), read_only: f.options.read_only, states, cases: Vec::new() };
            for (state, keys, args) in plan {
                let seed = record.states.iter().find(|(n, _)| *n == state).map(|(_, c)| c.clone()).unwrap_or_default();
                if let Some(outcome) = record_call(&mut sessions, item.kind, &compiled, &record, &seed, &keys, &args, &mut why) {
                    record.cases.push(Case { state, keys, args, outcome });
                }
            }
            // Keyspaces no recorded call uses are left out.
            let used: BTreeSet<String> = record.cases.iter().map(|c| c.state.clone()).collect();
            record.states.retain(|(n, _)| used.contains(n));
            functions += 1;
            calls += record.cases.len();
            records.push(record);
        }
        let file = CorpusFile { origin: item.origin.clone(), server: version.clone(), kind: item.kind, name: if item.kind == Kind::Library { compiled.name.clone() } else { item.stem.clone() }, source: item.source.clone(), listing, functions: records };
        let path = dir.join(&file_name);
        std::fs::write(&path, file.to_text()).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
    // Files of sources that are gone.
    if filter().is_none() {
        for path in corpus_files() {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if !written.contains(&name) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    report(&format!("record: {} sources, {functions} functions, {calls} calls recorded on redis {version} into {}", found.len(), dir.display()));
    for (reason, n) in &why {
        report(&format!("record: {n} call(s) left out: {reason}"));
    }
}
