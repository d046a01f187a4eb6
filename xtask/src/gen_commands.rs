//! `cargo xtask gen-commands`: regenerates `compiler/src/command_table.rs`, the Redis command
//! table the compiler's rules read, from a real server.
//!
//! A throwaway `redis-server` (or `$REDLUA_SERVER_BIN`) is started on a free loopback port with
//! persistence off; `COMMAND` gives every command with its subcommands (arity, flags, ACL
//! categories, tips, key specs) and `COMMAND DOCS` the summary, group, version and argument tree
//! of each. The two are joined by name and written as plain `&'static` Rust data whose types
//! live in `compiler/src/command_spec.rs`.
//!
//! `cargo xtask gen-commands --check` regenerates into memory and fails when the committed file
//! differs (same server version needed for an exact match).
//!
//! Then the runtime's typed commands, `runtime/src/prelude/commands.rs`, are regenerated (or
//! checked) from the compiler's typed command table (`prelude.rs`); `--prelude` does only that,
//! without a server.
//!
//! The server is spoken to in RESP2 over a `TcpStream`: the replies needed here are arrays,
//! integers and strings, and a map arrives as a flat array of key, value, key, value.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

mod prelude;

/// Where the table goes, relative to the workspace root.
const OUTPUT: &str = "compiler/src/command_table.rs";

/// How long the server gets to answer its first PING.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// Entry point of `cargo xtask gen-commands [--prelude] [--check]`.
pub fn main(root: &Path, args: &[String]) -> ExitCode {
    let (mut check, mut prelude_only) = (false, false);
    for arg in args {
        match arg.as_str() {
            "--check" if !check => check = true,
            "--prelude" if !prelude_only => prelude_only = true,
            _ => {
                eprintln!("usage: cargo xtask gen-commands [--prelude] [--check]");
                return ExitCode::from(2);
            }
        }
    }
    if prelude_only {
        return prelude::main(root, check);
    }
    let table = server_table(root, check);
    // A check reports on both files; a regeneration stops at the first failure.
    if table != ExitCode::SUCCESS && !check {
        return table;
    }
    let typed = prelude::main(root, check);
    if table != ExitCode::SUCCESS {
        table
    } else {
        typed
    }
}

/// Regenerates (or checks) `compiler/src/command_table.rs` from a throwaway server.
fn server_table(root: &Path, check: bool) -> ExitCode {
    match generate() {
        Ok((source, summary)) => {
            let path = root.join(OUTPUT);
            if check {
                let committed = fs::read_to_string(&path).unwrap_or_default();
                if committed == source {
                    println!("{OUTPUT} is up to date ({summary})");
                    ExitCode::SUCCESS
                } else {
                    eprintln!(
                        "{OUTPUT} differs from what the server reports ({summary}): run `cargo xtask gen-commands`"
                    );
                    ExitCode::FAILURE
                }
            } else {
                match fs::write(&path, &source) {
                    Ok(()) => {
                        println!("wrote {OUTPUT}: {summary}, {} bytes", source.len());
                        ExitCode::SUCCESS
                    }
                    Err(err) => {
                        eprintln!("error: cannot write {}: {err}", path.display());
                        ExitCode::FAILURE
                    }
                }
            }
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Starts a server, reads its command table and renders the Rust file; also a one-line summary.
fn generate() -> Result<(String, String), String> {
    let binary = super::server_binary().ok_or(
        "redis-server not found (install the Debian package `redis-server`, or set REDLUA_SERVER_BIN)",
    )?;
    let server = Server::start(&binary)?;
    let mut conn = server.connect()?;

    let info = conn.call(&["INFO", "server"])?.into_text()?;
    let version = info_field(&info, "redis_version").ok_or("INFO server has no redis_version")?;
    let product = if info_field(&info, "server_name").is_some_and(|n| n == "valkey") {
        "Valkey"
    } else {
        "Redis"
    };
    let version = match info_field(&info, "valkey_version") {
        Some(v) if product == "Valkey" => v,
        _ => version,
    };

    let mut commands = Vec::new();
    for entry in conn.call(&["COMMAND"])?.into_array()? {
        flatten_info(entry, &mut commands)?;
    }
    let mut docs = BTreeMap::new();
    for (name, doc) in pairs(conn.call(&["COMMAND", "DOCS"])?)? {
        flatten_docs(&name.into_text()?, doc, &mut docs)?;
    }
    drop(conn);
    drop(server);

    let mut specs = Vec::new();
    for info in commands {
        let name = display_name(&info.name);
        let doc = docs
            .remove(&info.name.to_ascii_lowercase())
            .unwrap_or_default();
        specs.push(Spec { name, info, doc });
    }
    if let Some(orphan) = docs.keys().next() {
        return Err(format!(
            "COMMAND DOCS describes `{orphan}`, which COMMAND does not list"
        ));
    }
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(w) = specs.windows(2).find(|w| w[0].name == w[1].name) {
        return Err(format!("the server lists `{}` twice", w[0].name));
    }

    let summary = format!("{} commands from {product} {version}", specs.len());
    Ok((render(product, &version, &specs)?, summary))
}

fn info_field(info: &str, field: &str) -> Option<String> {
    info.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .map(|v| v.trim().to_owned())
}

/// `config|get` → `CONFIG GET`.
fn display_name(name: &str) -> String {
    name.replace('|', " ").to_ascii_uppercase()
}

// ---------------------------------------------------------------------------------------------
// The throwaway server

struct Server {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Server {
    fn start(binary: &Path) -> Result<Server, String> {
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "redlua-gen-commands-{}-{stamp}",
            std::process::id()
        ));
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let mut last_error = String::new();
        // A port found free can be taken before the server binds it: try a few.
        for _ in 0..5 {
            let port = free_port().map_err(|e| format!("no free loopback port: {e}"))?;
            let child = Command::new(binary)
                .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
                .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
                .arg("--dir")
                .arg(&dir)
                .arg("--logfile")
                .arg(dir.join("server.log"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
            let mut server = Server {
                child,
                port,
                dir: dir.clone(),
            };
            match server.wait_ready() {
                Ok(()) => return Ok(server),
                Err(err) => {
                    last_error = err;
                    // Drop stops the child and removes the directory: make it again.
                    drop(server);
                    let _ = fs::create_dir_all(&dir);
                }
            }
        }
        let _ = fs::remove_dir_all(&dir);
        Err(format!("{} did not start: {last_error}", binary.display()))
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(10).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                return Err(format!("it exited ({status}):\n{}", tail.join("\n")));
            }
            if let Ok(mut conn) = self.connect() {
                if let Ok(Value::Text(pong)) = conn.call(&["PING"]) {
                    if pong == "PONG" {
                        return Ok(());
                    }
                }
            }
            if started.elapsed() > STARTUP_TIMEOUT {
                return Err(format!("no PONG within {} s", STARTUP_TIMEOUT.as_secs()));
            }
            thread::sleep(Duration::from_millis(25));
        }
    }

    fn connect(&self) -> Result<Conn, String> {
        let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port))
            .map_err(|e| format!("cannot connect to 127.0.0.1:{}: {e}", self.port))?;
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        let reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
        Ok(Conn { stream, reader })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(mut conn) = self.connect() {
            // The connection closes without a reply when the server exits.
            let _ = conn.call(&["SHUTDOWN", "NOSAVE"]);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

// ---------------------------------------------------------------------------------------------
// A RESP2 client

/// A RESP2 reply. Status and bulk strings are both `Text`; a nil bulk or array is `Nil`.
#[derive(Debug)]
enum Value {
    Text(String),
    Int(i64),
    Array(Vec<Value>),
    Nil,
}

impl Value {
    fn into_text(self) -> Result<String, String> {
        match self {
            Value::Text(s) => Ok(s),
            other => Err(format!("expected a string, got {other:?}")),
        }
    }

    fn into_int(self) -> Result<i64, String> {
        match self {
            Value::Int(n) => Ok(n),
            // Some fields are integers in one version and strings in another.
            Value::Text(s) => s
                .parse()
                .map_err(|_| format!("expected an integer, got {s:?}")),
            other => Err(format!("expected an integer, got {other:?}")),
        }
    }

    fn into_array(self) -> Result<Vec<Value>, String> {
        match self {
            Value::Array(items) => Ok(items),
            Value::Nil => Ok(Vec::new()),
            other => Err(format!("expected an array, got {other:?}")),
        }
    }

    fn into_texts(self) -> Result<Vec<String>, String> {
        self.into_array()?
            .into_iter()
            .map(Value::into_text)
            .collect()
    }
}

/// A RESP2 map (a flat array of key, value, ...) as pairs.
fn pairs(value: Value) -> Result<Vec<(Value, Value)>, String> {
    let items = value.into_array()?;
    if items.len() % 2 != 0 {
        return Err(format!(
            "a map with an odd number of items ({})",
            items.len()
        ));
    }
    let mut out = Vec::with_capacity(items.len() / 2);
    let mut it = items.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    Ok(out)
}

/// A RESP2 map with string keys.
fn fields(value: Value) -> Result<Vec<(String, Value)>, String> {
    pairs(value)?
        .into_iter()
        .map(|(k, v)| Ok((k.into_text()?, v)))
        .collect()
}

struct Conn {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Conn {
    fn call(&mut self, args: &[&str]) -> Result<Value, String> {
        let mut request = format!("*{}\r\n", args.len()).into_bytes();
        for arg in args {
            request.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
            request.extend_from_slice(arg.as_bytes());
            request.extend_from_slice(b"\r\n");
        }
        self.stream
            .write_all(&request)
            .map_err(|e| format!("{}: cannot send: {e}", args.join(" ")))?;
        self.read_value()
            .map_err(|e| format!("{}: {e}", args.join(" ")))
    }

    fn read_line(&mut self) -> Result<String, String> {
        let mut line = String::new();
        let n = self
            .reader
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed".to_owned());
        }
        let line = line
            .strip_suffix("\r\n")
            .ok_or_else(|| format!("a reply line without CRLF: {line:?}"))?;
        Ok(line.to_owned())
    }

    fn read_value(&mut self) -> Result<Value, String> {
        let line = self.read_line()?;
        let (kind, rest) = line.split_at(line.chars().next().map_or(0, char::len_utf8));
        let number = || -> Result<i64, String> {
            rest.parse()
                .map_err(|_| format!("a bad reply line: {line:?}"))
        };
        match kind {
            "+" => Ok(Value::Text(rest.to_owned())),
            "-" => Err(format!("the server replied with an error: {rest}")),
            ":" => Ok(Value::Int(number()?)),
            "$" => {
                let len = number()?;
                if len < 0 {
                    return Ok(Value::Nil);
                }
                let mut buf = vec![0; len as usize + 2];
                self.reader
                    .read_exact(&mut buf)
                    .map_err(|e| e.to_string())?;
                buf.truncate(len as usize);
                String::from_utf8(buf)
                    .map(Value::Text)
                    .map_err(|_| "a bulk string that is not UTF-8".to_owned())
            }
            "*" => {
                let len = number()?;
                if len < 0 {
                    return Ok(Value::Nil);
                }
                (0..len)
                    .map(|_| self.read_value())
                    .collect::<Result<_, _>>()
                    .map(Value::Array)
            }
            _ => Err(format!("an unexpected reply line: {line:?}")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The model read from the server

/// One entry of `COMMAND`, subcommands flattened out.
struct Info {
    name: String,
    arity: i64,
    flags: Vec<String>,
    acl_categories: Vec<String>,
    tips: Vec<String>,
    key_specs: Vec<KeySpecInfo>,
}

struct KeySpecInfo {
    notes: Option<String>,
    flags: Vec<String>,
    begin_search: String,
    find_keys: String,
}

/// One entry of `COMMAND DOCS`, subcommands flattened out.
#[derive(Default)]
struct Doc {
    summary: String,
    since: String,
    group: String,
    doc_flags: Vec<String>,
    deprecated_since: Option<String>,
    replaced_by: Option<String>,
    arguments: Vec<ArgDoc>,
}

struct ArgDoc {
    name: String,
    kind: &'static str,
    token: Option<String>,
    key_spec: Option<i64>,
    optional: bool,
    multiple: bool,
    multiple_token: bool,
    arguments: Vec<ArgDoc>,
}

struct Spec {
    name: String,
    info: Info,
    doc: Doc,
}

/// Reads one `COMMAND` entry: `[name, arity, flags, first key, last key, step, acl categories,
/// tips, key specs, subcommands]` (the last four since Redis 7.0).
fn flatten_info(entry: Value, out: &mut Vec<Info>) -> Result<(), String> {
    let mut items = entry.into_array()?.into_iter();
    let mut next = |what: &str| {
        items
            .next()
            .ok_or_else(|| format!("a COMMAND entry without {what}"))
    };
    let name = next("a name")?.into_text()?;
    let context = |e: String| format!("COMMAND entry `{name}`: {e}");
    let arity = next("an arity")?.into_int().map_err(context)?;
    let flags = next("flags")?.into_texts().map_err(context)?;
    for _ in 0..3 {
        next("the legacy key range")?; // superseded by the key specs
    }
    let acl_categories = next("ACL categories")?.into_texts().map_err(context)?;
    let tips = next("tips")?.into_texts().map_err(context)?;
    let mut key_specs = Vec::new();
    for spec in next("key specs")?.into_array().map_err(context)? {
        key_specs.push(key_spec(spec).map_err(context)?);
    }
    let subcommands = next("subcommands")?.into_array().map_err(context)?;
    out.push(Info {
        name,
        arity,
        flags,
        acl_categories,
        tips,
        key_specs,
    });
    for sub in subcommands {
        flatten_info(sub, out)?;
    }
    Ok(())
}

fn key_spec(value: Value) -> Result<KeySpecInfo, String> {
    let mut spec = KeySpecInfo {
        notes: None,
        flags: Vec::new(),
        begin_search: String::new(),
        find_keys: String::new(),
    };
    for (field, value) in fields(value)? {
        match field.as_str() {
            "notes" => spec.notes = Some(value.into_text()?),
            "flags" => {
                spec.flags = value
                    .into_texts()?
                    .iter()
                    .map(|f| f.to_ascii_uppercase())
                    .collect()
            }
            "begin_search" => spec.begin_search = begin_search(value)?,
            "find_keys" => spec.find_keys = find_keys(value)?,
            other => eprintln!("note: a key spec field `{other}` is not kept"),
        }
    }
    if spec.begin_search.is_empty() || spec.find_keys.is_empty() {
        return Err("a key spec without begin_search or find_keys".to_owned());
    }
    Ok(spec)
}

/// A key spec part: `{type, spec}` with `spec` a map of its parameters.
fn typed_map(value: Value) -> Result<(String, BTreeMap<String, Value>), String> {
    let mut kind = String::new();
    let mut params = BTreeMap::new();
    for (field, value) in fields(value)? {
        match field.as_str() {
            "type" => kind = value.into_text()?,
            "spec" => {
                for (k, v) in fields(value)? {
                    params.insert(k, v);
                }
            }
            other => return Err(format!("an unexpected key spec field `{other}`")),
        }
    }
    Ok((kind, params))
}

fn take_int(params: &mut BTreeMap<String, Value>, name: &str) -> Result<i64, String> {
    params
        .remove(name)
        .ok_or_else(|| format!("a key spec without `{name}`"))?
        .into_int()
}

/// Renders `begin_search` as the Rust expression of a `BeginSearch`.
fn begin_search(value: Value) -> Result<String, String> {
    let (kind, mut p) = typed_map(value)?;
    Ok(match kind.as_str() {
        "index" => format!("B::Index({})", take_int(&mut p, "index")?),
        "keyword" => {
            let keyword = p
                .remove("keyword")
                .ok_or("a keyword spec without `keyword`")?
                .into_text()?;
            let startfrom = take_int(&mut p, "startfrom")?;
            format!("B::Keyword {{ keyword: {keyword:?}, startfrom: {startfrom} }}")
        }
        "unknown" => "B::Unknown".to_owned(),
        other => return Err(format!("an unknown begin_search type `{other}`")),
    })
}

/// Renders `find_keys` as the Rust expression of a `FindKeys`.
fn find_keys(value: Value) -> Result<String, String> {
    let (kind, mut p) = typed_map(value)?;
    Ok(match kind.as_str() {
        "range" => format!(
            "F::Range {{ lastkey: {}, step: {}, limit: {} }}",
            take_int(&mut p, "lastkey")?,
            take_int(&mut p, "keystep")?,
            take_int(&mut p, "limit")?
        ),
        "keynum" => format!(
            "F::Keynum {{ keynumidx: {}, firstkey: {}, step: {} }}",
            take_int(&mut p, "keynumidx")?,
            take_int(&mut p, "firstkey")?,
            take_int(&mut p, "keystep")?
        ),
        "unknown" => "F::Unknown".to_owned(),
        other => return Err(format!("an unknown find_keys type `{other}`")),
    })
}

/// Reads one `COMMAND DOCS` entry and its subcommands into `out`, keyed by lower-case name.
fn flatten_docs(name: &str, value: Value, out: &mut BTreeMap<String, Doc>) -> Result<(), String> {
    let context = |e: String| format!("COMMAND DOCS `{name}`: {e}");
    let mut doc = Doc::default();
    for (field, value) in fields(value).map_err(context)? {
        match field.as_str() {
            "summary" => doc.summary = value.into_text().map_err(context)?,
            "since" => doc.since = value.into_text().map_err(context)?,
            "group" => doc.group = value.into_text().map_err(context)?,
            "doc_flags" => doc.doc_flags = value.into_texts().map_err(context)?,
            "deprecated_since" => doc.deprecated_since = Some(value.into_text().map_err(context)?),
            "replaced_by" => doc.replaced_by = Some(value.into_text().map_err(context)?),
            "arguments" => {
                for arg in value.into_array().map_err(context)? {
                    doc.arguments.push(arg_doc(arg).map_err(context)?);
                }
            }
            "subcommands" => {
                for (sub, v) in pairs(value).map_err(context)? {
                    flatten_docs(&sub.into_text().map_err(context)?, v, out)?;
                }
            }
            // Prose the compiler has no use for.
            "complexity" | "history" | "module" => {}
            other => eprintln!("note: COMMAND DOCS field `{other}` is not kept"),
        }
    }
    out.insert(name.to_ascii_lowercase(), doc);
    Ok(())
}

fn arg_doc(value: Value) -> Result<ArgDoc, String> {
    let mut arg = ArgDoc {
        name: String::new(),
        kind: "",
        token: None,
        key_spec: None,
        optional: false,
        multiple: false,
        multiple_token: false,
        arguments: Vec::new(),
    };
    for (field, value) in fields(value)? {
        match field.as_str() {
            "name" => arg.name = value.into_text()?,
            "type" => {
                let kind = value.into_text()?;
                arg.kind = match kind.as_str() {
                    "string" => "String",
                    "integer" => "Integer",
                    "double" => "Double",
                    "key" => "Key",
                    "pattern" => "Pattern",
                    "unix-time" => "UnixTime",
                    "pure-token" => "PureToken",
                    "oneof" => "OneOf",
                    "block" => "Block",
                    other => {
                        return Err(format!(
                            "an unknown argument type `{other}`: extend ArgType"
                        ))
                    }
                };
            }
            "token" => arg.token = Some(value.into_text()?),
            "key_spec_index" => arg.key_spec = Some(value.into_int()?),
            "flags" => {
                for flag in value.into_texts()? {
                    match flag.as_str() {
                        "optional" => arg.optional = true,
                        "multiple" => arg.multiple = true,
                        "multiple_token" => arg.multiple_token = true,
                        other => return Err(format!("an unknown argument flag `{other}`")),
                    }
                }
            }
            "arguments" => {
                for sub in value.into_array()? {
                    arg.arguments.push(arg_doc(sub)?);
                }
            }
            // Documentation only.
            "since" | "summary" | "deprecated_since" | "display" | "display_text" | "value" => {}
            other => eprintln!("note: an argument field `{other}` is not kept"),
        }
    }
    if arg.kind.is_empty() {
        return Err(format!("argument `{}` has no type", arg.name));
    }
    Ok(arg)
}

// ---------------------------------------------------------------------------------------------
// Rendering

fn render(product: &str, version: &str, specs: &[Spec]) -> Result<String, String> {
    let mut out = String::with_capacity(512 * 1024);
    let _ = writeln!(
        out,
        "// Generated by `cargo xtask gen-commands` from {product} {version}. Do not edit: regenerate."
    );
    out.push_str(
        "//\n\
         // One `CommandSpec` per command and subcommand (\"CONFIG GET\"), sorted by name, as the\n\
         // server's COMMAND and COMMAND DOCS report them. The types are in `command_spec.rs`.\n\n\
         use crate::command_spec::{\n    \
         Arg as A, ArgType as T, BeginSearch as B, CommandSpec as C, FindKeys as F, KeySpec as K,\n\
         };\n\n",
    );
    let _ = writeln!(
        out,
        "/// The version of the server the table was read from."
    );
    let _ = writeln!(out, "pub static SERVER_VERSION: &str = {version:?};\n");
    let _ = writeln!(
        out,
        "/// Every command and subcommand the server reports, sorted by name."
    );
    out.push_str("#[rustfmt::skip]\npub static COMMANDS: &[C] = &[\n");
    for spec in specs {
        render_spec(&mut out, spec)?;
    }
    out.push_str("];\n");
    Ok(out)
}

fn strs(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("&[{}]", quoted.join(", "))
}

fn opt(item: &Option<String>) -> String {
    match item {
        Some(s) => format!("Some({s:?})"),
        None => "None".to_owned(),
    }
}

fn render_spec(out: &mut String, spec: &Spec) -> Result<(), String> {
    let Spec { name, info, doc } = spec;
    let _ = write!(
        out,
        "C {{ name: {name:?}, arity: {}, flags: {}, acl_categories: {}, tips: {}, key_specs: &[",
        info.arity,
        strs(&info.flags),
        strs(&info.acl_categories),
        strs(&info.tips)
    );
    for (i, ks) in info.key_specs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(
            out,
            "K {{ flags: {}, begin_search: {}, find_keys: {}, notes: {} }}",
            strs(&ks.flags),
            ks.begin_search,
            ks.find_keys,
            opt(&ks.notes)
        );
    }
    let _ = write!(
        out,
        "], group: {:?}, since: {:?}, summary: {:?}, doc_flags: {}, deprecated_since: {}, replaced_by: {}, args: ",
        doc.group,
        doc.since,
        doc.summary,
        strs(&doc.doc_flags),
        opt(&doc.deprecated_since),
        opt(&doc.replaced_by)
    );
    render_args(out, name, &doc.arguments, info.key_specs.len())?;
    out.push_str(" },\n");
    Ok(())
}

/// An argument tree; fields at their defaults are left to `..A::DEFAULT`.
fn render_args(
    out: &mut String,
    command: &str,
    args: &[ArgDoc],
    key_specs: usize,
) -> Result<(), String> {
    out.push_str("&[");
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "A {{ name: {:?}, kind: T::{}", arg.name, arg.kind);
        if let Some(token) = &arg.token {
            let _ = write!(out, ", token: Some({token:?})");
        }
        if let Some(index) = arg.key_spec {
            if index < 0 || index as usize >= key_specs {
                return Err(format!(
                    "`{command}` argument `{}` names key spec {index}, which does not exist",
                    arg.name
                ));
            }
            let _ = write!(out, ", key_spec: Some({index})");
        }
        for (set, field) in [
            (arg.optional, "optional"),
            (arg.multiple, "multiple"),
            (arg.multiple_token, "multiple_token"),
        ] {
            if set {
                let _ = write!(out, ", {field}: true");
            }
        }
        if !arg.arguments.is_empty() {
            out.push_str(", args: ");
            render_args(out, command, &arg.arguments, key_specs)?;
        }
        out.push_str(", ..A::DEFAULT }");
    }
    out.push(']');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_upper_case_with_a_space() {
        assert_eq!(display_name("config|get"), "CONFIG GET");
        assert_eq!(display_name("get"), "GET");
    }

    #[test]
    fn info_fields_are_found() {
        let info = "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n";
        assert_eq!(info_field(info, "redis_version").as_deref(), Some("7.0.15"));
        assert_eq!(info_field(info, "server_name"), None);
    }

    #[test]
    fn resp_replies_parse() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let peer = thread::spawn(move || {
            let (mut sock, _) = listener.accept().unwrap();
            let mut buf = [0u8; 64];
            let _ = sock.read(&mut buf).unwrap();
            sock.write_all(b"*4\r\n+OK\r\n:-3\r\n$5\r\nhe\r\no\r\n*1\r\n$-1\r\n")
                .unwrap();
        });
        let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        let mut conn = Conn { stream, reader };
        let items = conn.call(&["X"]).unwrap().into_array().unwrap();
        peer.join().unwrap();
        assert!(matches!(&items[0], Value::Text(s) if s == "OK"));
        assert!(matches!(items[1], Value::Int(-3)));
        assert!(matches!(&items[2], Value::Text(s) if s == "he\r\no"));
        assert!(matches!(&items[3], Value::Array(v) if matches!(v[..], [Value::Nil])));
    }
}
