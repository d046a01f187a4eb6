//! The book's command reference is generated from the typed command table: this test
//! fails when the page and the table disagree (`REDLUA_BLESS=1` rewrites the page).

use redlua_compiler::commands::{Command, Emit, OptionSpec, ParamKind, ReplyKind, COMMANDS};

fn param(p: ParamKind) -> String {
    match p {
        ParamKind::Key => "&Key".into(),
        ParamKind::Keys => "&[&Key] or Vec<Key>".into(),
        ParamKind::Int => "i64".into(),
        ParamKind::Float => "f64".into(),
        ParamKind::Value => "value".into(),
        ParamKind::Values => "value(s)".into(),
        ParamKind::Pairs => "&[(field, value)]".into(),
        ParamKind::KeyValues => "&[(&Key, value)]".into(),
        ParamKind::Word(ws) => ws.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" or "),
        ParamKind::Options(o) => o.type_name.into(),
    }
}

fn reply(c: &Command) -> &'static str {
    match c.reply {
        ReplyKind::Unit => "()",
        ReplyKind::Int | ReplyKind::Count => "i64",
        ReplyKind::Flag | ReplyKind::OkOrNil => "bool",
        ReplyKind::OptionalValue => "Option<T> (T: i64, f64, String)",
        ReplyKind::OptionalString => "Option<String>",
        ReplyKind::OptionalInt => "Option<i64>",
        ReplyKind::String | ReplyKind::Status => "String",
        ReplyKind::Float => "f64",
        ReplyKind::OptionalFloat => "Option<f64>",
        ReplyKind::VecString => "Vec<String>",
        ReplyKind::VecOptString => "Vec<Option<String>>",
        ReplyKind::VecFlag => "Vec<bool>",
        ReplyKind::VecOptFloat => "Vec<Option<f64>>",
        ReplyKind::PairsString => "Vec<(String, String)>",
        ReplyKind::PairsScore => "Vec<(String, f64)>",
        ReplyKind::OptionalVecString => "Option<Vec<String>>",
        ReplyKind::StreamEntries => "Vec<(String, Vec<(String, String)>)>",
        ReplyKind::Time => "(i64, i64)",
    }
}

fn sends(c: &Command) -> String {
    let mut out = vec![c.redis.to_string()];
    for e in c.emit_order() {
        match e {
            Emit::W(w) => out.push(w.to_string()),
            Emit::P(i) => out.push(match c.params[i] {
                ParamKind::Options(_) => "[options]".to_string(),
                ParamKind::Keys | ParamKind::Values | ParamKind::Pairs | ParamKind::KeyValues => format!("{}..", param(c.params[i]).split(' ').next().unwrap_or("")),
                _ => format!("<{}>", i + 1),
            }),
        }
    }
    out.join(" ")
}

fn options(o: &OptionSpec) -> String {
    let ms: Vec<String> = o
        .methods
        .iter()
        .map(|m| match m.arg {
            Some(p) => format!("`{}({})`", m.name, param(p)),
            None => format!("`{}()`", m.name),
        })
        .collect();
    format!("| `{}` | {} |", o.type_name, ms.join(", "))
}

fn page() -> String {
    let mut s = String::from(
        "# Command reference\n\n\
         <!-- generated from compiler/src/commands.rs by compiler/tests/command_reference.rs: run it with REDLUA_BLESS=1 to update -->\n\n\
         Every typed command of `redlua::prelude`, callable from a redis function. Flags (write,\n\
         nondeterministic output) and key positions come from the server's own command table; a\n\
         `read_only` function may call only the commands that do not write, and commands marked\n\
         *nondeterministic* need `#[redis_function(nondeterministic)]`. Any other command is\n\
         available through `call!(\"CMD\", ..)`, checked against the same table.\n\n\
         | function | parameters | sends | Rust reply | write | nondeterministic |\n|---|---|---|---|---|---|\n",
    );
    for c in COMMANDS {
        let params: Vec<String> = c.params.iter().map(|p| format!("`{}`", param(*p))).collect();
        s.push_str(&format!(
            "| `{}` | {} | `{}` | `{}` | {} | {} |\n",
            c.rust,
            params.join(", ").replace('|', "\\|"),
            sends(c),
            reply(c),
            if c.is_write() { "yes" } else { "" },
            if c.is_nondeterministic() { "yes" } else { "" },
        ));
    }
    s.push_str("\n## Options builders\n\nWritten in place as the argument, e.g. `SetOptions::new().nx().ex(ttl)`. Their words are sent in the order below, whatever the order of the calls; options of one group exclude each other.\n\n| type | methods |\n|---|---|\n");
    let mut seen = Vec::new();
    for c in COMMANDS {
        for p in c.params {
            if let ParamKind::Options(o) = p {
                if !seen.contains(&o.type_name) {
                    seen.push(o.type_name);
                    s.push_str(&options(o));
                    s.push('\n');
                }
            }
        }
    }
    s
}

#[test]
fn the_book_lists_every_typed_command() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../book/src/commands.md");
    let want = page();
    if std::env::var_os("REDLUA_BLESS").is_some() {
        std::fs::write(path, &want).expect("write the command reference");
    }
    let have = std::fs::read_to_string(path).expect("book/src/commands.md exists");
    assert_eq!(have, want, "book/src/commands.md is out of date: run REDLUA_BLESS=1 cargo test -p redlua-compiler --test command_reference");
}
