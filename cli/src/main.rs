//! `redlua`: the Lua of a crate's redlua libraries and scripts, printed, written to files or
//! loaded into a server.
//!
//! The sources are read and compiled with `redlua-compiler`, the same compiler the
//! `#[redlua::library]` and `#[redis_function]` macros run, so the Lua is byte for byte
//! the code of the compiled crate (`bank::LUA`) and has the same SHA1. See `redlua help`.

mod server;
mod source;

use source::{Compiled, Found, Kind, Problem};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
redlua: print, export and load the Lua of a crate's redlua libraries and scripts

usage:
  redlua lua  <path>... [--name <name>]... [--out <dir>]
  redlua list <path>... [--name <name>]...
  redlua load <path>... [--name <name>]... [--url <redis-url>]...
  redlua help | --help | --version

<path> is a crate directory (its src/**/*.rs is read), another directory (read
recursively) or one .rs file. Every inline module marked #[redlua::library(..)] is a
library, every other function marked #[redis_function] an EVAL script; items under
#[cfg(test)] are skipped, and so are inline redlua::script!(..) closures.

commands:
  lua   print the Lua of every library and script found; when there are several, each
        is preceded by a `-- redlua: ..` line naming it. --name keeps only the named
        libraries or scripts (one of them is printed exactly as FUNCTION LOAD or EVAL
        takes it). --out writes each one to <dir>/<name>.lua instead and prints the paths.
  list  list the libraries and scripts: their functions with keys, arguments and flags,
        where they are defined, and the SHA1 of their code.
  load  load the libraries into a server with FUNCTION LOAD REPLACE where the server's
        copy is missing or differs, and the scripts with SCRIPT LOAD; report what was done.
        --url may be given several times (e.g. every primary of a cluster); without it,
        the server of the REDIS_URL environment variable is used.

exit status:
  0  success
  1  the sources have errors (Rust syntax, redlua compile errors) or hold nothing to compile
  2  usage error
  3  a file could not be read or written
  4  a server could not be reached or refused a load
";

/// Exit statuses.
mod status {
    pub const SOURCE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const IO: u8 = 3;
    pub const SERVER: u8 = 4;
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Parsing and compiling recurse over the nesting of the sources: the compiler's stack.
    match redlua_compiler::driver::on_large_stack(|| run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

#[derive(Debug, Default)]
struct Options {
    paths: Vec<PathBuf>,
    names: Vec<String>,
    out: Option<PathBuf>,
    urls: Vec<String>,
}

/// Writes `text` to standard output. When the reader has gone (`redlua lua . | head`),
/// stops quietly with success; another write error is an I/O failure.
fn out(text: &str) -> Result<(), u8> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(0),
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            Err(status::IO)
        }
    }
}

fn usage_error(message: &str) -> u8 {
    eprintln!("error: {message}");
    eprintln!("run `redlua help` for usage");
    status::USAGE
}

fn run(args: &[String]) -> Result<(), u8> {
    let Some(command) = args.first() else {
        eprint!("{USAGE}");
        return Err(status::USAGE);
    };
    match command.as_str() {
        "help" | "-h" | "--help" => out(USAGE),
        "-V" | "--version" => out(&format!("redlua {}\n", env!("CARGO_PKG_VERSION"))),
        "lua" | "list" | "load" => {
            let allowed: &[&str] = match command.as_str() {
                "lua" => &["--name", "--out"],
                "list" => &["--name"],
                _ => &["--name", "--url"],
            };
            let options = parse_options(&args[1..], allowed)?;
            match command.as_str() {
                "lua" => lua(&options),
                "list" => list(&options),
                _ => load(&options),
            }
        }
        other => Err(usage_error(&format!("unknown command `{other}`"))),
    }
}

fn parse_options(args: &[String], allowed: &[&str]) -> Result<Options, u8> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if flag == "-h" || flag == "--help" {
            print!("{USAGE}");
            std::process::exit(0);
        }
        if !flag.starts_with('-') || flag == "-" {
            o.paths.push(PathBuf::from(arg));
            continue;
        }
        if !allowed.contains(&flag) {
            return Err(usage_error(&format!("unknown option `{flag}` for this command")));
        }
        let value = match inline {
            Some(v) => v,
            None => it.next().cloned().ok_or_else(|| usage_error(&format!("`{flag}` needs a value")))?,
        };
        match flag {
            "--name" => o.names.push(value),
            "--out" if o.out.is_some() => return Err(usage_error("`--out` given twice")),
            "--out" => o.out = Some(PathBuf::from(value)),
            "--url" => o.urls.push(value),
            _ => unreachable!("checked against the allowed options"),
        }
    }
    if o.paths.is_empty() {
        return Err(usage_error("no crate directory or file given"));
    }
    Ok(o)
}

/// Compiles everything under the paths; prints the problems and fails when there are any.
fn compile(options: &Options) -> Result<Vec<Compiled>, u8> {
    let found = match source::search(&options.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(status::IO);
        }
    };
    if !found.problems.is_empty() {
        report_problems(&found);
        return Err(status::SOURCE);
    }
    if found.items.is_empty() {
        let shown: Vec<String> = options.paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "error: no #[redlua::library] module or #[redis_function] found in {} ({} Rust file(s) read)",
            shown.join(", "),
            found.files.len()
        );
        return Err(status::SOURCE);
    }
    let items = select(found.items, &options.names)?;
    Ok(items)
}

/// Keeps the items named by `--name` (all when none is given).
fn select(items: Vec<Compiled>, names: &[String]) -> Result<Vec<Compiled>, u8> {
    if names.is_empty() {
        return Ok(items);
    }
    for name in names {
        if !items.iter().any(|i| &i.name == name) {
            let known: Vec<String> = items.iter().map(|i| format!("{} {}", i.kind, i.name)).collect();
            eprintln!("error: no library or script named `{name}`; found: {}", known.join(", "));
            return Err(status::SOURCE);
        }
    }
    Ok(items.into_iter().filter(|i| names.contains(&i.name)).collect())
}

fn report_problems(found: &Found) {
    let mut err = std::io::stderr().lock();
    let mut files: Vec<&Path> = Vec::new();
    for p in &found.problems {
        let _ = write!(err, "{}", render_problem(p));
        if !files.contains(&p.file.as_path()) {
            files.push(&p.file);
        }
    }
    let _ = writeln!(
        err,
        "error: {} problem{} in {} file{}; nothing was compiled",
        found.problems.len(),
        if found.problems.len() == 1 { "" } else { "s" },
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    );
}

/// A problem as rustc shows an error: the rule, the message, `--> file:line:column`, the
/// source line with the span underlined, and the hint.
fn render_problem(p: &Problem) -> String {
    let mut s = String::new();
    match &p.rule {
        Some(rule) => s.push_str(&format!("error[{rule}]: {}\n", p.message)),
        None => s.push_str(&format!("error: {}\n", p.message)),
    }
    let file = p.file.display();
    match p.at {
        Some((line, column)) => {
            let width = line.to_string().len();
            let pad = " ".repeat(width);
            s.push_str(&format!("{pad}--> {file}:{line}:{column}\n"));
            if let Some(text) = &p.source_line {
                let underline = match p.end_column {
                    Some(end) if end > column => end - column,
                    _ => 1,
                };
                let indent: String = text.chars().take(column - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
                s.push_str(&format!("{pad} |\n{line} | {text}\n{pad} | {indent}{}\n", "^".repeat(underline)));
            }
            if let Some(hint) = &p.hint {
                s.push_str(&format!("{pad} = help: {hint}\n"));
            }
        }
        None => {
            s.push_str(&format!(" --> {file}\n"));
            if let Some(hint) = &p.hint {
                s.push_str(&format!("  = help: {hint}\n"));
            }
        }
    }
    s.push('\n');
    s
}

fn lua(options: &Options) -> Result<(), u8> {
    let items = compile(options)?;
    if let Some(dir) = &options.out {
        return write_files(dir, &items);
    }
    let several = items.len() > 1;
    for (i, item) in items.iter().enumerate() {
        if several {
            if i > 0 {
                out("\n")?;
            }
            out(&format!("-- redlua: {} {} ({}:{})\n", item.kind, item.name, item.file.display(), item.line))?;
        }
        out(&item.lua)?;
        if !item.lua.ends_with('\n') {
            out("\n")?;
        }
    }
    Ok(())
}

fn write_files(dir: &Path, items: &[Compiled]) -> Result<(), u8> {
    for (i, a) in items.iter().enumerate() {
        if let Some(b) = items[..i].iter().find(|b| b.name == a.name) {
            eprintln!(
                "error: two items would be written to {}.lua: {} {} ({}:{}) and {} {} ({}:{}); select one with --name",
                a.name,
                b.kind,
                b.name,
                b.file.display(),
                b.line,
                a.kind,
                a.name,
                a.file.display(),
                a.line
            );
            return Err(status::SOURCE);
        }
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return Err(status::IO);
    }
    for item in items {
        let path = dir.join(format!("{}.lua", item.name));
        if let Err(e) = std::fs::write(&path, &item.lua) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return Err(status::IO);
        }
        out(&format!("{}  ({} {}, {}:{})\n", path.display(), item.kind, item.name, item.file.display(), item.line))?;
    }
    Ok(())
}

fn list(options: &Options) -> Result<(), u8> {
    let items = compile(options)?;
    for item in &items {
        let digest = match item.kind {
            Kind::Library => "stamp",
            Kind::Script => "sha1",
        };
        out(&format!("{} {}  {}:{}  {digest} {}\n", item.kind, item.name, item.file.display(), item.line, item.sha1))?;
        let width = item.functions.iter().map(|f| f.name.len()).max().unwrap_or(0);
        for f in &item.functions {
            let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
            let flags = if f.flags.is_empty() { String::new() } else { format!("  [{}]", f.flags.join(", ")) };
            out(&format!("  {:width$}  {}, {}{flags}\n", f.name, plural(f.keys, "key"), plural(f.args, "argument")))?;
        }
    }
    Ok(())
}

/// Redis function names are global to a server: two libraries that register the same
/// function name cannot both be loaded (the second `FUNCTION LOAD` fails with "Function
/// .. already exists"). Refuses such a set before anything is sent.
fn check_function_names(items: &[Compiled]) -> Result<(), u8> {
    let mut seen: Vec<(&str, &Compiled)> = Vec::new();
    let mut clashes = Vec::new();
    for item in items.iter().filter(|i| i.kind == Kind::Library) {
        for f in &item.functions {
            match seen.iter().find(|(name, _)| *name == f.name) {
                Some((_, other)) => clashes.push(format!(
                    "function `{}` is registered by library {} ({}:{}) and by library {} ({}:{})",
                    f.name,
                    other.name,
                    other.file.display(),
                    other.line,
                    item.name,
                    item.file.display(),
                    item.line
                )),
                None => seen.push((&f.name, item)),
            }
        }
    }
    if clashes.is_empty() {
        return Ok(());
    }
    for c in &clashes {
        eprintln!("error: {c}");
    }
    eprintln!("  = help: function names are global to a Redis server: load these libraries into different servers (choose with --name), or rename the functions");
    eprintln!("error: nothing was loaded");
    Err(status::SOURCE)
}

fn load(options: &Options) -> Result<(), u8> {
    let urls = if options.urls.is_empty() {
        match std::env::var("REDIS_URL") {
            Ok(url) if !url.trim().is_empty() => vec![url],
            _ => return Err(usage_error("no server given: pass --url redis://host:port/ or set REDIS_URL")),
        }
    } else {
        options.urls.clone()
    };
    let items = compile(options)?;
    check_function_names(&items)?;
    // The report goes on even when nobody reads it any more: the loads matter more.
    let say = |line: String| {
        let _ = out(&(line + "\n"));
    };
    let mut failed = false;
    for url in &urls {
        say(url.clone());
        let mut server = match server::Server::connect(url) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
                continue;
            }
        };
        for item in &items {
            let what = format!("{} {}", item.kind, item.name);
            match server.load(item) {
                Ok(server::Outcome::Loaded) => say(format!("  {what}: loaded (stamp {})", item.sha1)),
                Ok(server::Outcome::Unchanged) => say(format!("  {what}: unchanged (the server has stamp {})", item.sha1)),
                Ok(server::Outcome::Replaced(previous)) => {
                    say(format!("  {what}: replaced (the server had stamp {previous}, now {})", item.sha1))
                }
                Ok(server::Outcome::ScriptLoaded) => say(format!("  {what}: in the script cache (sha1 {})", item.sha1)),
                Err(e) => {
                    say(format!("  {what}: failed"));
                    eprintln!("error: {url}: {what} ({}:{}): {e}", item.file.display(), item.line);
                    failed = true;
                }
            }
        }
    }
    if failed {
        Err(status::SERVER)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_are_parsed_with_and_without_equals() {
        let o = parse_options(&args(&["crate", "--name", "bank", "--out=lua", "more.rs"]), &["--name", "--out"]).unwrap();
        assert_eq!(o.paths, [PathBuf::from("crate"), PathBuf::from("more.rs")]);
        assert_eq!(o.names, ["bank"]);
        assert_eq!(o.out, Some(PathBuf::from("lua")));
        assert_eq!(parse_options(&args(&["crate", "--url", "x"]), &["--name", "--out"]).unwrap_err(), status::USAGE);
        assert_eq!(parse_options(&args(&["crate", "--name"]), &["--name"]).unwrap_err(), status::USAGE);
        assert_eq!(parse_options(&args(&[]), &["--name"]).unwrap_err(), status::USAGE);
    }

    #[test]
    fn a_problem_is_shown_with_its_place_rule_and_hint() {
        let p = Problem {
            file: PathBuf::from("src/lib.rs"),
            at: Some((5, 11)),
            end_column: Some(19),
            rule: Some("redlua::dynamic-key".into()),
            message: "a key built inside the function body".into(),
            hint: Some("declare the key as a `Key` parameter".into()),
            source_line: Some("    incr(&Key::new(name))".into()),
        };
        assert_eq!(
            render_problem(&p),
            "error[redlua::dynamic-key]: a key built inside the function body\n \
             --> src/lib.rs:5:11\n  \
             |\n\
             5 |     incr(&Key::new(name))\n  \
             |           ^^^^^^^^\n  \
             = help: declare the key as a `Key` parameter\n\n"
        );
    }
}
