//! Writes the runtime's typed commands, `runtime/src/prelude/commands.rs`, from the compiler's
//! command table (`compiler/src/commands.rs`) and their documentation (`command_docs.md`).
//!
//! One function per row, in the table's order: the row's Rust name and parameter names, one
//! Rust type per parameter kind, the arguments sent in the row's emission order (the order the
//! generated Lua sends them), and the reply converted by the `Reply` method of the row's reply
//! kind (the conversion the generated Lua does). The argument traits, the options builders and
//! the `Req`/`Reply` helpers the functions call stay hand-written in `runtime/src/prelude.rs`.
//!
//! Used by `compiler/examples/gen_prelude_commands.rs` (which `cargo xtask gen-commands` runs
//! to write the file) and by `compiler/tests/prelude_commands.rs` (which fails when the
//! committed file differs from what this renders).

use redlua_compiler::commands::{Command, Emit, ParamKind, ReplyKind};
use std::fmt::Write as _;

/// The generated file, relative to the workspace root.
pub const OUTPUT: &str = "runtime/src/prelude/commands.rs";

/// The command that rewrites [`OUTPUT`].
pub const REGENERATE: &str = "cargo xtask gen-commands --prelude";

/// The documentation of the typed commands.
pub const DOCS: &str = include_str!("command_docs.md");

/// The banner line above and below a group's title.
const RULE: &str = "// ---------------------------------------------------------------------------------";

/// The documentation of one command: its group (on the first command of a group) and its text.
#[derive(Debug, PartialEq, Eq)]
pub struct Doc<'a> {
    pub group: Option<&'a str>,
    pub name: &'a str,
    pub lines: Vec<&'a str>,
}

/// Reads `command_docs.md`: `# Group` and `## name` headings outside code fences; everything
/// else belongs to the section above it, with blank lines around it trimmed. Text before the
/// first heading (the file's comment) is not kept.
pub fn parse_docs(md: &str) -> Result<Vec<Doc<'_>>, String> {
    let mut docs: Vec<Doc> = Vec::new();
    let mut group = None;
    let mut in_fence = false;
    for (n, line) in md.lines().enumerate() {
        let at = n + 1;
        if !in_fence {
            if let Some(title) = line.strip_prefix("# ") {
                group = Some(title.trim());
                continue;
            }
            if let Some(name) = line.strip_prefix("## ") {
                docs.push(Doc { group: group.take(), name: name.trim(), lines: Vec::new() });
                continue;
            }
        }
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        match docs.last_mut() {
            Some(doc) => doc.lines.push(line),
            None if group.is_some() && !line.trim().is_empty() => {
                return Err(format!("command_docs.md:{at}: text under a group heading, before its first `## command`"));
            }
            None => {}
        }
    }
    if in_fence {
        return Err("command_docs.md: a code fence is not closed".into());
    }
    if group.is_some() {
        return Err("command_docs.md: the last group heading has no command".into());
    }
    for doc in &mut docs {
        while doc.lines.first().is_some_and(|l| l.trim().is_empty()) {
            doc.lines.remove(0);
        }
        while doc.lines.last().is_some_and(|l| l.trim().is_empty()) {
            doc.lines.pop();
        }
    }
    Ok(docs)
}

/// The Rust type of a parameter, and the `Req` method that sends it.
fn param(kind: ParamKind) -> (&'static str, &'static str) {
    match kind {
        ParamKind::Key => ("impl Borrow<Key>", "key"),
        ParamKind::Keys => ("impl ToKeys", "keys"),
        ParamKind::Int => ("i64", "arg"),
        ParamKind::Float => ("f64", "arg"),
        ParamKind::Value => ("impl ToArg", "arg"),
        ParamKind::Values => ("impl ToArgs", "args"),
        ParamKind::Pairs => ("impl ToPairs", "pairs"),
        ParamKind::KeyValues => ("impl ToKeyValues", "key_values"),
        ParamKind::Word(_) => ("&str", "word"),
        ParamKind::Options(o) => (o.type_name, "options"),
    }
}

/// The Rust return type of a reply kind (`None`: no value), and the `Reply` method that
/// converts it.
fn reply(kind: ReplyKind) -> (Option<&'static str>, &'static str) {
    match kind {
        ReplyKind::Unit => (None, "unit"),
        ReplyKind::Int => (Some("i64"), "int"),
        ReplyKind::Count => (Some("i64"), "count"),
        ReplyKind::Flag => (Some("bool"), "flag"),
        ReplyKind::OkOrNil => (Some("bool"), "ok_or_nil"),
        ReplyKind::OptionalValue => (Some("Option<T>"), "optional"),
        ReplyKind::OptionalString => (Some("Option<String>"), "optional_string"),
        ReplyKind::OptionalInt => (Some("Option<i64>"), "optional_int"),
        ReplyKind::String => (Some("String"), "string"),
        ReplyKind::Status => (Some("String"), "status"),
        ReplyKind::Float => (Some("f64"), "float"),
        ReplyKind::OptionalFloat => (Some("Option<f64>"), "optional_float"),
        ReplyKind::VecString => (Some("Vec<String>"), "vec_string"),
        ReplyKind::VecOptString => (Some("Vec<Option<String>>"), "vec_opt_string"),
        ReplyKind::VecFlag => (Some("Vec<bool>"), "vec_flag"),
        ReplyKind::VecOptFloat => (Some("Vec<Option<f64>>"), "vec_opt_float"),
        ReplyKind::PairsString => (Some("Vec<(String, String)>"), "pairs_string"),
        ReplyKind::PairsScore => (Some("Vec<(String, f64)>"), "pairs_score"),
        ReplyKind::OptionalVecString => (Some("Option<Vec<String>>"), "optional_vec_string"),
        ReplyKind::StreamEntries => (Some("Vec<(String, Vec<(String, String)>)>"), "stream_entries"),
        ReplyKind::Time => (Some("(i64, i64)"), "time"),
    }
}

/// The names the functions use from `prelude.rs`, for the `use` line.
fn imports(commands: &[Command]) -> (Vec<&'static str>, bool) {
    let mut names = vec!["Req"];
    let mut borrow = false;
    for c in commands {
        for p in c.params {
            let used: &[&'static str] = match p {
                ParamKind::Key => {
                    borrow = true;
                    &["Key"]
                }
                ParamKind::Keys => &["ToKeys"],
                ParamKind::Value => &["ToArg"],
                ParamKind::Values => &["ToArgs"],
                ParamKind::Pairs => &["ToPairs"],
                ParamKind::KeyValues => &["ToKeyValues"],
                ParamKind::Options(o) => std::slice::from_ref(&o.type_name),
                ParamKind::Int | ParamKind::Float | ParamKind::Word(_) => &[],
            };
            names.extend_from_slice(used);
        }
        if c.reply == ReplyKind::OptionalValue {
            names.push("FromBulk");
        }
    }
    names.sort_unstable();
    names.dedup();
    (names, borrow)
}

/// One function: its doc comment, signature and body.
fn render_command(out: &mut String, c: &Command, doc: &Doc) -> Result<(), String> {
    if c.param_names.len() != c.params.len() {
        return Err(format!("`{}` has {} parameters but {} parameter names", c.rust, c.params.len(), c.param_names.len()));
    }
    let order = c.emit_order();
    for i in 0..c.params.len() {
        let sent = order.iter().filter(|e| **e == Emit::P(i)).count();
        if sent != 1 {
            return Err(format!("`{}` sends its parameter `{}` {sent} times (once expected)", c.rust, c.param_names[i]));
        }
    }
    if let Some(Emit::P(i)) = order.iter().find(|e| matches!(e, Emit::P(i) if *i >= c.params.len())) {
        return Err(format!("`{}` sends parameter {i}, which it does not have", c.rust));
    }
    if doc.lines.is_empty() {
        return Err(format!("command_docs.md: `{}` has no text", c.rust));
    }
    for line in &doc.lines {
        if line.is_empty() {
            out.push_str("///\n");
        } else {
            let _ = writeln!(out, "/// {line}");
        }
    }
    let (ret, convert) = reply(c.reply);
    let generics = if c.reply == ReplyKind::OptionalValue { "<T: FromBulk>" } else { "" };
    let params: Vec<String> = c.params.iter().zip(c.param_names).map(|(p, n)| format!("{n}: {}", param(*p).0)).collect();
    let ret = ret.map(|r| format!(" -> {r}")).unwrap_or_default();
    let _ = writeln!(out, "pub fn {}{generics}({}){ret} {{", c.rust, params.join(", "));
    let _ = write!(out, "    Req::new({:?})", c.redis);
    for e in order {
        match e {
            Emit::W(w) => {
                let _ = write!(out, ".word({w:?})");
            }
            Emit::P(i) => {
                let (name, kind) = (c.param_names[i], c.params[i]);
                let _ = match kind {
                    ParamKind::Options(_) => write!(out, ".options(&{name}.words)"),
                    _ => write!(out, ".{}({name})", param(kind).1),
                };
            }
        }
    }
    let _ = writeln!(out, ".send().{convert}()\n}}");
    Ok(())
}

/// The whole generated file, from a command table and the text of `command_docs.md`.
pub fn render(commands: &[Command], docs_md: &str) -> Result<String, String> {
    let docs = parse_docs(docs_md)?;
    for (i, doc) in docs.iter().enumerate() {
        if docs[..i].iter().any(|d| d.name == doc.name) {
            return Err(format!("command_docs.md documents `{}` twice", doc.name));
        }
        if !commands.iter().any(|c| c.rust == doc.name) {
            return Err(format!("command_docs.md documents `{}`, which compiler/src/commands.rs does not have", doc.name));
        }
    }
    let mut out = String::with_capacity(256 * 1024);
    let _ = writeln!(out, "// Generated by `{REGENERATE}` from the command table in compiler/src/commands.rs");
    out.push_str(
        "// and the documentation in compiler/gen/command_docs.md. Do not edit: change those and\n\
         // regenerate (compiler/tests/prelude_commands.rs fails when this file is out of date).\n\
         //\n\
         // One function per typed command: it sends the arguments in the order the generated Lua\n\
         // sends them and converts the reply as the Lua does (see `Req` and `Reply` in prelude.rs).\n\n",
    );
    let (names, borrow) = imports(commands);
    let _ = writeln!(out, "use super::{{{}}};", names.join(", "));
    if borrow {
        out.push_str("use std::borrow::Borrow;\n");
    }
    out.push('\n');
    for (i, c) in commands.iter().enumerate() {
        if commands[..i].iter().any(|d| d.rust == c.rust) {
            return Err(format!("compiler/src/commands.rs has `{}` twice", c.rust));
        }
        let doc = match docs.get(i) {
            Some(doc) if doc.name == c.rust => doc,
            _ => {
                return Err(match docs.iter().position(|d| d.name == c.rust) {
                    Some(_) => format!("command_docs.md documents `{}` out of the table's order: sections follow compiler/src/commands.rs", c.rust),
                    None => format!("command_docs.md has no section `## {}`: every typed command is documented", c.rust),
                });
            }
        };
        if let Some(group) = doc.group {
            let _ = writeln!(out, "{RULE}\n// {group}\n{RULE}\n");
        } else if i == 0 {
            return Err(format!("command_docs.md: `{}` comes before any `# Group` heading", c.rust));
        }
        render_command(&mut out, c, doc)?;
        out.push('\n');
    }
    // No blank line at the end of the file.
    out.pop();
    Ok(out)
}

/// Compares the committed file with the rendered one; the error names the first line that
/// differs and the command to run.
pub fn check(committed: &str, generated: &str) -> Result<(), String> {
    if committed == generated {
        return Ok(());
    }
    let mut have = committed.lines();
    let mut want = generated.lines();
    let mut line = 1;
    let detail = loop {
        match (have.next(), want.next()) {
            (Some(h), Some(w)) if h == w => line += 1,
            (Some(h), Some(w)) => break format!("line {line} is\n    {h}\nwhere the table gives\n    {w}"),
            (Some(h), None) => break format!("line {line} is\n    {h}\nwhere the table gives nothing more"),
            (None, Some(w)) => break format!("it ends at line {line} where the table gives\n    {w}"),
            (None, None) => break "they differ in line endings".to_string(),
        }
    };
    Err(format!("{OUTPUT} is out of date with compiler/src/commands.rs: {detail}\nrun `{REGENERATE}`"))
}
