//! The robustness oracle of the redlua compiler, shared by the fuzz targets
//! (`compiler/fuzz`) and the property tests (`compiler/tests/robustness.rs`).
//!
//! A [`Case`] is what a macro invocation hands the compiler: an entry point (a
//! `#[redlua::library]` module, a free-standing `#[redis_function]`, or a `script!`
//! closure), the attribute's tokens and the item's tokens. [`check`] runs every entry
//! point of the compiler on it and asserts the properties a user relies on:
//!
//! - the compiler does not panic (a panic inside a proc macro is an internal compiler
//!   error for the user);
//! - a refused input gives at least one diagnostic, and every diagnostic has a rule, a
//!   non-empty message and hint, and a span that points into the user's tokens
//!   ([`SpanPolicy`] says when the call site is acceptable);
//! - the same input compiles to the same Lua (deterministic output and SHA1);
//! - a library's Lua starts with its `#!lua name=` header;
//! - the expansion (the tokens the macro emits) is valid Rust, and carries a
//!   `compile_error!` exactly when the compiler refused the input.
//!
//! The file also holds the seed extraction (real function sources from the examples and
//! tests) and the token-tree mutations both drivers apply to them.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use redlua_compiler::diag::Diagnostic;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Which compiler entry point a case goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// `#[redlua::library(<attr>)] <item>` (a module).
    Library,
    /// `#[redis_function(<attr>)] <item>` (a free-standing function: an EVAL script).
    Script,
    /// `redlua::script!(<item>)` (options, `;`, and a closure).
    Closure,
}

impl Entry {
    fn word(self) -> &'static str {
        match self {
            Entry::Library => "library",
            Entry::Script => "script",
            Entry::Closure => "closure",
        }
    }
}

/// One input of the compiler: an entry point, the attribute's tokens and the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The entry point.
    pub entry: Entry,
    /// The tokens inside the attribute's parentheses (unused for closures).
    pub attr: String,
    /// The item (or the macro input of `script!`).
    pub item: String,
}

impl Case {
    /// A case as text: a header line (`library <attr>`, `script <attr>` or `closure`),
    /// then the item. This is the format of the fuzz corpus files.
    pub fn to_text(&self) -> String {
        let mut s = self.entry.word().to_string();
        if !self.attr.is_empty() {
            s.push(' ');
            s.push_str(&self.attr.replace('\n', " "));
        }
        s.push('\n');
        s.push_str(&self.item);
        s
    }

    /// Reads [`to_text`](Case::to_text). Text without a known header is taken as a
    /// library module named `fuzz` (so that any text still reaches the compiler).
    pub fn from_text(text: &str) -> Case {
        let (head, rest) = text.split_once('\n').unwrap_or((text, ""));
        let (word, attr) = head.split_once(' ').unwrap_or((head, ""));
        let entry = match word {
            "library" => Entry::Library,
            "script" => Entry::Script,
            "closure" => Entry::Closure,
            _ => return Case { entry: Entry::Library, attr: "name = \"fuzz\"".into(), item: text.to_string() },
        };
        Case { entry, attr: attr.to_string(), item: rest.to_string() }
    }
}

/// What [`check`] saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The attribute and item were valid tokens (otherwise rustc would not have called
    /// the macro, and nothing was compiled).
    pub lexed: bool,
    /// The compiler accepted the input.
    pub compiled: bool,
    /// How many diagnostics it gave.
    pub diagnostics: usize,
    /// A violation explained by a known bug (only with `tolerate_known_bugs`).
    pub known_bug: Option<KnownBug>,
}

/// What [`check`] insists on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Where diagnostics may point.
    pub spans: SpanPolicy,
    /// Lets the known redlua bugs of [`KnownBug`] pass, so that a long run finds other
    /// problems (each has an ignored reproducer test in `compiler/tests/robustness.rs`).
    pub tolerate_known_bugs: bool,
}

impl Policy {
    /// Every property, every span, no known bug tolerated.
    pub const STRICT: Policy = Policy { spans: SpanPolicy::UserTokens, tolerate_known_bugs: false };
    /// Every property, known bugs tolerated (for long runs).
    pub const TOLERANT: Policy = Policy { spans: SpanPolicy::UserTokens, tolerate_known_bugs: true };
}

/// When a diagnostic may point at the call site (the macro invocation) rather than at
/// one of the user's tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanPolicy {
    /// Only where there is no better place: every diagnostic must point into the
    /// attribute or the item, except syn's "unexpected end of input" (no token to point
    /// at) and the `attribute` rule's errors about the macro invocation itself (a missing
    /// library name, an attribute put on something else), which point at the attribute.
    UserTokens,
    /// The call site is accepted everywhere (only the other properties are checked).
    Any,
}

/// Which property was violated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Refused without any diagnostic.
    NoDiagnostic,
    /// A diagnostic or `compile_error!` without a rule, message or hint.
    Incomplete,
    /// A diagnostic that points at the call site.
    CallSite,
    /// The expansion is not valid Rust.
    InvalidExpansion {
        /// It consists of `compile_error!`s only (several of them).
        only_errors: bool,
    },
    /// The same input gave different results.
    Nondeterministic,
    /// The generated Lua lacks its header or its SHA1 is wrong.
    BadOutput,
    /// `compile_*` and `expand_*` disagree on whether the input compiles.
    Inconsistent,
}

/// A violated property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Which property.
    pub kind: Kind,
    /// What went wrong, readable.
    pub message: String,
}

fn violation(kind: Kind, message: impl Into<String>) -> Violation {
    Violation { kind, message: message.into() }
}

/// Known redlua bugs, found by these checks, which [`Policy::tolerate_known_bugs`] lets
/// pass; each gets an ignored reproducer test in `compiler/tests/robustness.rs` until it
/// is fixed. None today: the last one (errors about empty syntax such as `;;`,
/// `reject!()`, an empty `where` or `||` pointing at the call site) is fixed, and its
/// reproducers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownBug {}

impl KnownBug {
    /// The known bug that explains `v` on input `item`, if any.
    pub fn explaining(_case: &Case, _item: &TokenStream, _v: &Violation) -> Option<KnownBug> {
        None
    }

    /// The known bug that explains a panic of the compiler on `case` with this message.
    /// None today: the panics these checks found (`i64::abs` of `i64::MIN`, a `self`
    /// parameter in a `script!` closure) are fixed, and any panic is a new bug.
    pub fn explaining_panic(_case: &Case, _message: &str) -> Option<KnownBug> {
        None
    }
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| payload.downcast_ref::<String>().cloned()).unwrap_or_default()
}

/// Runs the compiler on `case` and checks the properties listed in the module docs.
/// A panic inside the compiler propagates to the caller (the fuzzer reports it as a
/// crash, proptest shrinks it). With [`Policy::tolerate_known_bugs`], a violation that a
/// [`KnownBug`] explains is reported in [`Outcome::known_bug`] instead.
pub fn check(case: &Case, policy: Policy) -> Result<Outcome, Violation> {
    // Parsing and comparing recurse over the source's nesting, as the compiler does: on
    // the compiler's stack (some seeds nest hundreds of expressions deep).
    redlua_compiler::driver::on_large_stack(|| check_case(case, policy))
}

fn check_case(case: &Case, policy: Policy) -> Result<Outcome, Violation> {
    let (Ok(attr), Ok(item)) = (case.attr.parse::<TokenStream>(), case.item.parse::<TokenStream>()) else {
        return Ok(Outcome::default());
    };
    if item.is_empty() {
        // rustc never calls a macro on nothing.
        return Ok(Outcome::default());
    }
    match check_tokens(case.entry, attr, item.clone(), policy) {
        Err(v) if policy.tolerate_known_bugs => match KnownBug::explaining(case, &item, &v) {
            Some(bug) => Ok(Outcome { lexed: true, known_bug: Some(bug), ..Outcome::default() }),
            None => Err(v),
        },
        other => other,
    }
}

fn check_tokens(entry: Entry, attr: TokenStream, item: TokenStream, policy: Policy) -> Result<Outcome, Violation> {
    let mut out = Outcome { lexed: true, ..Outcome::default() };
    // rustc parses an item before it calls an attribute macro on it: spans are held to
    // the policy only for items it would have accepted (syn's errors about an item that
    // does not parse may point at the call site).
    // Likewise, syn's errors about attribute arguments that do not parse (at their end)
    // point at the call site, which is the attribute.
    let attr_parses = syn::parse::Parser::parse2(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated, attr.clone()).is_ok();
    let realistic = match entry {
        Entry::Library | Entry::Script => syn::parse2::<syn::Item>(item.clone()).is_ok_and(|i| rustc_would_parse(&i)),
        Entry::Closure => true,
    };
    let policy = if !attr_parses || !realistic { Policy { spans: SpanPolicy::Any, ..policy } } else { policy };
    let check_diags = |diags: &[Diagnostic]| -> Result<(), Violation> {
        if diags.is_empty() {
            return Err(violation(Kind::NoDiagnostic, "the compiler refused the input without any diagnostic"));
        }
        for d in diags {
            check_diagnostic(d, policy)?;
        }
        Ok(())
    };
    match entry {
        Entry::Library => {
            let first = redlua_compiler::compile_library(attr.clone(), item.clone());
            let second = redlua_compiler::compile_library(attr.clone(), item.clone());
            match (&first, &second) {
                (Ok(a), Ok(b)) => {
                    out.compiled = true;
                    if a.lua != b.lua {
                        return Err(violation(Kind::Nondeterministic, format!("the same library compiled to different Lua:\n{}\n---\n{}", a.lua, b.lua)));
                    }
                    let header = format!("#!lua name={}\n", a.name);
                    if !a.lua.starts_with(&header) {
                        return Err(violation(Kind::BadOutput, format!("the library's Lua does not start with `{}`", header.trim_end())));
                    }
                }
                (Err(d), Err(_)) => {
                    out.diagnostics = d.len();
                    check_diags(d)?;
                }
                _ => return Err(violation(Kind::Nondeterministic, "the same library was accepted once and refused once")),
            }
            let expanded = redlua_compiler::expand_library(attr, item);
            if realistic {
                check_expansion(&expanded, Expect::Items, out.compiled, policy)?;
            }
        }
        Entry::Script => {
            let first = redlua_compiler::compile_script(attr.clone(), item.clone());
            let second = redlua_compiler::compile_script(attr.clone(), item.clone());
            match (&first, &second) {
                (Ok(a), Ok(b)) => {
                    out.compiled = true;
                    if a.lua != b.lua || a.sha1 != b.sha1 {
                        return Err(violation(Kind::Nondeterministic, format!("the same script compiled to different Lua:\n{}\n---\n{}", a.lua, b.lua)));
                    }
                    if a.sha1 != redlua_compiler::sha1_hex(&a.lua) {
                        return Err(violation(Kind::BadOutput, "the script's SHA1 is not the SHA1 of its Lua"));
                    }
                }
                (Err(d), Err(_)) => {
                    out.diagnostics = d.len();
                    check_diags(d)?;
                }
                _ => return Err(violation(Kind::Nondeterministic, "the same script was accepted once and refused once")),
            }
            let expanded = redlua_compiler::expand_script(attr, item);
            if realistic {
                check_expansion(&expanded, Expect::Items, out.compiled, policy)?;
            }
        }
        Entry::Closure => {
            // No compile_* entry point: the expansion is what there is to check.
            let expanded = redlua_compiler::expand_script_closure(item);
            let errors = check_expansion(&expanded, Expect::Expr, true, policy)?;
            out.compiled = errors == 0;
            out.diagnostics = errors;
        }
    }
    Ok(out)
}

/// Syn accepts a few items that rustc's parser refuses: a struct field named `_`.
fn rustc_would_parse(item: &syn::Item) -> bool {
    let items = match item {
        syn::Item::Mod(m) => m.content.as_ref().map_or(&[][..], |c| &c.1[..]),
        other => std::slice::from_ref(other),
    };
    !items.iter().any(|i| matches!(i, syn::Item::Struct(s) if s.fields.iter().any(|f| f.ident.as_ref().is_some_and(|id| id == "_"))))
}

fn check_diagnostic(d: &Diagnostic, policy: Policy) -> Result<(), Violation> {
    if d.rule.name().is_empty() || d.message.trim().is_empty() || d.hint.trim().is_empty() {
        return Err(violation(Kind::Incomplete, format!("a diagnostic without a rule name, a message or a hint: {d:?}")));
    }
    let text = d.to_string();
    if !text.starts_with(&format!("redlua::{}: ", d.rule.name())) {
        return Err(violation(Kind::Incomplete, format!("a diagnostic whose text does not name its rule: {text}")));
    }
    if policy.spans == SpanPolicy::UserTokens && is_call_site(d.span) && !call_site_allowed(&d.message, d.rule.name() == "attribute") {
        return Err(violation(Kind::CallSite, format!("a diagnostic that points at the call site, not at a user token: {text}")));
    }
    Ok(())
}

/// Syn's errors at the end of the input have no token to point at; the attribute's
/// errors may point at the invocation (the call site is the attribute in a proc macro).
fn call_site_allowed(message: &str, attribute_rule: bool) -> bool {
    message.contains("unexpected end of input") || attribute_rule
}

/// True for `Span::call_site()` (outside a proc macro, proc-macro2 prints spans as
/// `bytes(lo..hi)`, and the call site is `bytes(0..0)`; parsed tokens start at 1).
pub fn is_call_site(span: Span) -> bool {
    format!("{span:?}") == "bytes(0..0)"
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Items,
    Expr,
}

/// Checks the tokens a macro emits: valid Rust, and `compile_error!`s exactly when the
/// compiler refused the input, each naming a rule, with a message and a user span.
/// Returns how many `compile_error!`s there are.
fn check_expansion(ts: &TokenStream, expect: Expect, compiled: bool, policy: Policy) -> Result<usize, Violation> {
    let mut errors = Vec::new();
    collect_compile_errors(ts.clone(), &mut errors);
    let parsed = match expect {
        Expect::Items => syn::parse2::<syn::File>(ts.clone()).map(|_| ()),
        Expect::Expr => syn::parse2::<syn::Expr>(ts.clone()).map(|_| ()),
    };
    if let Err(e) = parsed {
        let only_errors = errors.len() > 1
            && syn::parse2::<syn::File>(ts.clone()).is_ok_and(|f| {
                f.items.iter().all(|i| matches!(i, syn::Item::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "compile_error")))
            });
        return Err(violation(Kind::InvalidExpansion { only_errors }, format!("the expansion is not valid Rust ({e}):\n{ts}")));
    }
    if expect == Expect::Items && compiled != errors.is_empty() {
        return Err(violation(Kind::Inconsistent, format!("compiled: {compiled}, but the expansion has {} compile_error!", errors.len())));
    }
    for (span, message) in &errors {
        let (rule, text) = message.strip_prefix("redlua::").and_then(|r| r.split_once(": ")).unwrap_or(("", ""));
        if rule.is_empty() || text.trim().is_empty() {
            return Err(violation(Kind::Incomplete, format!("a compile error without a redlua rule or a message: {message:?}")));
        }
        if policy.spans == SpanPolicy::UserTokens && is_call_site(*span) && !call_site_allowed(text, rule == "attribute") {
            return Err(violation(Kind::CallSite, format!("a compile error that points at the call site, not at a user token: {message}")));
        }
    }
    Ok(errors.len())
}

/// The `compile_error! { "..." }` invocations of an expansion: the span of their
/// `compile_error` token and their message.
fn collect_compile_errors(ts: TokenStream, out: &mut Vec<(Span, String)>) {
    let tts: Vec<TokenTree> = ts.into_iter().collect();
    for (i, tt) in tts.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) if id == "compile_error" => {
                if let (Some(TokenTree::Punct(p)), Some(TokenTree::Group(g))) = (tts.get(i + 1), tts.get(i + 2)) {
                    if p.as_char() == '!' {
                        let message = syn::parse2::<syn::LitStr>(g.stream()).map(|l| l.value()).unwrap_or_default();
                        out.push((id.span(), message));
                    }
                }
            }
            TokenTree::Group(g) => collect_compile_errors(g.stream(), out),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------
// Seeds: real function sources.

/// The repository root (two levels above this crate or the compiler crate).
pub fn workspace_root(manifest_dir: &str) -> PathBuf {
    let mut p = PathBuf::from(manifest_dir);
    // compiler/fuzz -> compiler -> root; compiler -> root.
    while !p.join("compiler").is_dir() || !p.join("runtime").is_dir() {
        if !p.pop() {
            break;
        }
    }
    p
}

/// Every library module, free-standing `#[redis_function]` and `script!` input of the
/// Rust files under `examples/` and `tests/` (the UI cases included: near-valid sources
/// are good seeds), in a stable order.
pub fn seeds(root: &Path) -> Vec<Case> {
    redlua_compiler::driver::on_large_stack(|| seeds_under(root))
}

fn seeds_under(root: &Path) -> Vec<Case> {
    let mut files = Vec::new();
    for dir in ["examples", "tests"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let Ok(src) = std::fs::read_to_string(&f) else { continue };
        seeds_of_source(&src, &mut out);
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "target") {
                rust_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The cases found in one Rust source file.
pub fn seeds_of_source(src: &str, out: &mut Vec<Case>) {
    let Ok(file) = syn::parse_file(src) else { return };
    for item in &file.items {
        seeds_of_item(item, out);
    }
    if let Ok(ts) = src.parse::<TokenStream>() {
        closures_of(ts, out);
    }
}

fn last_segment_is(attr: &syn::Attribute, name: &str) -> bool {
    attr.path().segments.last().is_some_and(|s| s.ident == name)
}

fn attr_args(attr: &syn::Attribute) -> String {
    match &attr.meta {
        syn::Meta::List(l) => l.tokens.to_string(),
        _ => String::new(),
    }
}

fn seeds_of_item(item: &syn::Item, out: &mut Vec<Case>) {
    use quote::ToTokens;
    match item {
        syn::Item::Mod(m) => {
            if let Some(pos) = m.attrs.iter().position(|a| last_segment_is(a, "library")) {
                let mut m = m.clone();
                let a = m.attrs.remove(pos);
                out.push(Case { entry: Entry::Library, attr: attr_args(&a), item: m.to_token_stream().to_string() });
            } else if let Some((_, items)) = &m.content {
                items.iter().for_each(|i| seeds_of_item(i, out));
            }
        }
        syn::Item::Fn(f) => {
            if let Some(pos) = f.attrs.iter().position(|a| last_segment_is(a, "redis_function")) {
                let mut f = f.clone();
                let a = f.attrs.remove(pos);
                out.push(Case { entry: Entry::Script, attr: attr_args(&a), item: f.to_token_stream().to_string() });
            } else {
                for s in &f.block.stmts {
                    if let syn::Stmt::Item(i) = s {
                        seeds_of_item(i, out);
                    }
                }
            }
        }
        _ => {}
    }
}

/// `script!(..)` and `redlua::script!(..)` inputs.
fn closures_of(ts: TokenStream, out: &mut Vec<Case>) {
    let tts: Vec<TokenTree> = ts.into_iter().collect();
    for (i, tt) in tts.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) if id == "script" => {
                if let (Some(TokenTree::Punct(p)), Some(TokenTree::Group(g))) = (tts.get(i + 1), tts.get(i + 2)) {
                    if p.as_char() == '!' && g.delimiter() != Delimiter::None && !g.stream().is_empty() {
                        out.push(Case { entry: Entry::Closure, attr: String::new(), item: g.stream().to_string() });
                    }
                }
            }
            TokenTree::Group(g) => closures_of(g.stream(), out),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------
// Mutations of token trees.

/// Odd tokens to put in place of others: keywords of Rust and Lua, raw identifiers,
/// Unicode identifiers, huge and odd numbers, strings with quotes, backslashes, `]]`,
/// `--`, NUL and non-ASCII, byte and C strings, lifetimes, punctuation, and names of
/// the redlua prelude and its types.
pub const ODD_TOKENS: &[&str] = &[
    // Rust keywords and reserved words
    "fn", "let", "mut", "match", "if", "else", "loop", "while", "for", "in", "return", "break", "continue",
    "self", "Self", "super", "crate", "async", "await", "dyn", "impl", "where", "move", "ref", "static",
    "const", "unsafe", "extern", "type", "struct", "enum", "trait", "mod", "use", "pub", "as", "true",
    "false", "yield", "macro_rules", "union", "try", "box", "_",
    // Lua keywords and globals as Rust names
    "end", "nil", "local", "function", "then", "elseif", "repeat", "until", "and", "or", "not", "do",
    "KEYS", "ARGV", "redis", "math", "string", "table", "cjson", "bit", "unpack", "tostring", "tonumber",
    "error", "pcall", "setmetatable", "_G", "__index",
    // raw identifiers
    "r#type", "r#end", "r#match", "r#fn", "r#local", "r#nil", "r#async", "r#loop",
    // Unicode identifiers
    "café", "привет", "变量", "ŉ", "_ʰ", "x\u{300}", "ǅ",
    // numbers
    "0", "-0", "1", "-1", "9007199254740991", "9007199254740992", "9007199254740993", "-9007199254740993",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
    "340282366920938463463374607431768211455", "99999999999999999999999999999999999999999",
    "0xffffffffffffffff", "0o777", "0b1010", "1_000_000", "1e400", "1e-400", "1e308", "0.1", "1.0e10",
    "f64::NAN", "f64::INFINITY", "i64::MIN", "i64::MAX", "u64::MAX", "255u8", "1i128", "2.5f32", "7usize",
    // strings and characters
    "\"\"", "\"a'b\\\"c\"", "\"]]\"", "\"--[[\"", "\"\\0\"", "\"\\\\\"", "\"\\n\\r\\t\"", "\"\\u{10FFFF}\"",
    "\"\\x7f\"", "\"é漢\"", "\"%s%d\"", "\"{}\"", "\"{x}\"", "\"{{\"", "\"{:?}\"", "r#\"raw \"q\" ]] \"#",
    "b\"\\xff\\x00\"", "b'a'", "c\"nul\"", "'a'", "'\\''", "'\\u{0}'", "'static", "'a",
    // punctuation
    "::", "..", "..=", "...", "=>", "->", "?", "#", "$", "@", "~", "!", "&&", "||", "<<", ">>=", "^", "|",
    ";", ",", ".", "=", "<", ">", "&", "*", "-", "+", "/", "%",
    // groups
    "()", "[]", "{}", "(())", "{ { } }", "[0; 1000000]",
    // types and redlua names
    "i64", "f64", "bool", "String", "&str", "Key", "Vec<Key>", "Vec<i64>", "Option<i64>", "Result<i64, Reject>",
    "HashMap<String, i64>", "(i64, String)", "u64", "i32", "u8", "usize", "i128", "char", "Box<i64>", "Value",
    "get", "set", "incr", "incr_by", "del", "exists", "hget", "hset", "zadd", "lpush", "call", "try_call",
    "reject", "format", "vec", "println", "panic", "unreachable", "todo", "assert", "Some", "None", "Ok", "Err",
    "call!(\"GET\", k)", "call!(\"FLUSHALL\")", "reject!(\"no\")", "format!(\"{}\", 1)", "vec![1, 2]",
    "unwrap", "unwrap_or", "clone", "len", "iter", "map", "collect", "parse", "to_string", "derive",
    "Key::new(\"k\")", "redis_function", "read_only", "nondeterministic", "dynamic_keys",
];

/// One edit of a token tree. Positions count the trees of the stream in pre-order
/// (a group counts, then its contents) and wrap around.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    /// Removes the tree at the position.
    Drop(usize),
    /// Repeats the tree at the position.
    Duplicate(usize),
    /// Swaps the tree at the position with the next one of the same group.
    SwapNext(usize),
    /// Puts [`ODD_TOKENS`]`[k]` in place of the tree at the position.
    Replace(usize, usize),
    /// Inserts [`ODD_TOKENS`]`[k]` before the tree at the position.
    Insert(usize, usize),
    /// Replaces the literal at the position (counting literals only) by an odd literal:
    /// of the same kind (string, number) for even `k`, of any kind for odd `k`.
    TweakLiteral(usize, usize),
    /// Flattens the group at the position (its contents stay, its delimiters go), or
    /// wraps a leaf in a group of another kind.
    Regroup(usize, u8),
}

impl Mutation {
    /// A mutation from five bytes (for byte-driven fuzzing).
    pub fn from_bytes(b: [u8; 5]) -> Mutation {
        let pos = u16::from_le_bytes([b[1], b[2]]) as usize;
        let k = u16::from_le_bytes([b[3], b[4]]) as usize;
        match b[0] % 7 {
            0 => Mutation::Drop(pos),
            1 => Mutation::Duplicate(pos),
            2 => Mutation::SwapNext(pos),
            3 => Mutation::Replace(pos, k),
            4 => Mutation::Insert(pos, k),
            5 => Mutation::TweakLiteral(pos, k),
            _ => Mutation::Regroup(pos, b[3]),
        }
    }
}

/// How many trees `ts` has (groups and their contents).
pub fn count_trees(ts: &TokenStream) -> usize {
    ts.clone()
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Group(g) => 1 + count_trees(&g.stream()),
            _ => 1,
        })
        .sum()
}

fn odd(k: usize) -> TokenStream {
    ODD_TOKENS[k % ODD_TOKENS.len()].parse().expect("the odd tokens lex")
}

fn literal_class(s: &str) -> u8 {
    match s.as_bytes().first() {
        Some(b'"') | Some(b'r') => 0,
        Some(b'0'..=b'9') => 1,
        _ => 2,
    }
}

/// An odd literal: of the same kind as `old` (string, number) for even `k`, of any kind
/// for odd `k`.
fn odd_literal(old: &proc_macro2::Literal, k: usize) -> proc_macro2::Literal {
    let class = literal_class(&old.to_string());
    let lits: Vec<&str> = ODD_TOKENS.iter().copied().filter(|s| s.parse::<proc_macro2::Literal>().is_ok() && (k % 2 == 1 || literal_class(s) == class)).collect();
    let pick = if lits.is_empty() { "0" } else { lits[(k / 2) % lits.len()] };
    pick.parse().expect("a literal")
}

fn count_literals(ts: &TokenStream) -> usize {
    ts.clone()
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Group(g) => count_literals(&g.stream()),
            TokenTree::Literal(_) => 1,
            _ => 0,
        })
        .sum()
}

fn tweak_literal(ts: TokenStream, target: usize, k: usize, counter: &mut usize) -> TokenStream {
    ts.into_iter()
        .map(|tt| match tt {
            TokenTree::Literal(l) => {
                let here = *counter;
                *counter += 1;
                if here == target {
                    let mut new = odd_literal(&l, k);
                    new.set_span(l.span());
                    TokenTree::Literal(new)
                } else {
                    TokenTree::Literal(l)
                }
            }
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), tweak_literal(g.stream(), target, k, counter));
                ng.set_span(g.span());
                TokenTree::Group(ng)
            }
            other => other,
        })
        .collect()
}

/// Applies one mutation.
pub fn mutate(ts: &TokenStream, m: Mutation) -> TokenStream {
    if let Mutation::TweakLiteral(p, k) = m {
        let n = count_literals(ts);
        return if n == 0 { ts.clone() } else { tweak_literal(ts.clone(), p % n, k, &mut 0) };
    }
    let n = count_trees(ts);
    if n == 0 {
        return match m {
            Mutation::Insert(_, k) | Mutation::Replace(_, k) => odd(k),
            _ => ts.clone(),
        };
    }
    let target = match m {
        Mutation::Drop(p) | Mutation::Duplicate(p) | Mutation::SwapNext(p) | Mutation::Replace(p, _) | Mutation::Insert(p, _) | Mutation::TweakLiteral(p, _) | Mutation::Regroup(p, _) => p % n,
    };
    let mut counter = 0;
    edit(ts.clone(), target, m, &mut counter)
}

/// Applies mutations one after the other.
pub fn mutate_all(ts: &TokenStream, ms: &[Mutation]) -> TokenStream {
    ms.iter().fold(ts.clone(), |t, &m| mutate(&t, m))
}

fn edit(ts: TokenStream, target: usize, m: Mutation, counter: &mut usize) -> TokenStream {
    let mut trees: Vec<TokenTree> = ts.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        let here = *counter;
        *counter += 1;
        if here == target {
            apply_at(&mut trees, i, m);
            return trees.into_iter().collect();
        }
        if let TokenTree::Group(g) = &trees[i] {
            let inner_count = count_trees(&g.stream());
            if target < *counter + inner_count {
                let inner = edit(g.stream(), target, m, counter);
                let mut ng = Group::new(g.delimiter(), inner);
                ng.set_span(g.span());
                trees[i] = TokenTree::Group(ng);
                return trees.into_iter().collect();
            }
            *counter += inner_count;
        }
        i += 1;
    }
    trees.into_iter().collect()
}

fn apply_at(trees: &mut Vec<TokenTree>, i: usize, m: Mutation) {
    match m {
        Mutation::Drop(_) => {
            trees.remove(i);
        }
        Mutation::Duplicate(_) => {
            let t = trees[i].clone();
            trees.insert(i, t);
        }
        Mutation::SwapNext(_) => {
            if i + 1 < trees.len() {
                trees.swap(i, i + 1);
            } else if i > 0 {
                trees.swap(i - 1, i);
            }
        }
        Mutation::Replace(_, k) => {
            trees.splice(i..=i, odd(k));
        }
        Mutation::Insert(_, k) => {
            trees.splice(i..i, odd(k));
        }
        Mutation::TweakLiteral(..) => unreachable!("handled by `mutate`"),
        Mutation::Regroup(_, d) => match &trees[i] {
            TokenTree::Group(g) => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                trees.splice(i..=i, inner);
            }
            other => {
                let delim = [Delimiter::Parenthesis, Delimiter::Brace, Delimiter::Bracket, Delimiter::None][d as usize % 4];
                trees[i] = TokenTree::Group(Group::new(delim, std::iter::once(other.clone()).collect()));
            }
        },
    }
}

/// A case whose item (and, one time in eight, attribute) went through `ms`.
pub fn mutate_case(case: &Case, ms: &[Mutation], mutate_attr: bool) -> Case {
    let Ok(item) = case.item.parse::<TokenStream>() else { return case.clone() };
    let item = mutate_all(&item, ms);
    let attr = if mutate_attr {
        match case.attr.parse::<TokenStream>() {
            Ok(a) => mutate_all(&a, &ms[..ms.len().min(1)]).to_string(),
            Err(_) => case.attr.clone(),
        }
    } else {
        case.attr.clone()
    };
    Case { entry: case.entry, attr, item: item.to_string() }
}

/// A readable reproducer of a case: the Rust source a user would have written.
pub fn as_rust_source(case: &Case) -> String {
    let mut s = String::new();
    match case.entry {
        Entry::Library => {
            let _ = write!(s, "#[redlua::library({})]\n{}", case.attr, case.item);
        }
        Entry::Script => {
            let _ = write!(s, "#[redis_function({})]\n{}", case.attr, case.item);
        }
        Entry::Closure => {
            let _ = write!(s, "redlua::script!({})", case.item);
        }
    }
    s
}
