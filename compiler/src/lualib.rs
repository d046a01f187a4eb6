//! The Lua runtime helpers: one file per helper in `compiler/lualib/`, embedded at
//! build time.
//!
//! Each file starts with two header lines, which are not emitted:
//!
//! ```lua
//! -- requires: int, pow2
//! -- rust: checked_add, checked_sub, checked_mul of an integer type other than i64
//! ```
//!
//! `requires` names (by file name) the helpers the file calls, or says `none`; a test
//! checks it against the names the code uses. `rust` says in one line which Rust meaning
//! the helper gives. The rest of the file is emitted verbatim as one `local function
//! redlua_<file>` (plus the constants it needs), or as one constant table
//! `local redlua_<file> = { .. }`.
//!
//! Codegen names a helper in the Lua AST (`redlua_<file>`); [`used`] collects the helpers
//! a chunk names from its AST, and [`in_order`] adds what they require, each after what
//! it requires (they are locals, visible only below their definition).

use crate::lua::{self, Block};
use std::collections::BTreeSet;

/// Lists the helpers: `Variant = "file"` for `compiler/lualib/file.lua`, whose Lua
/// function is `redlua_file`. The order of the list is the order the helpers appear in
/// the generated Lua (a new helper goes at the end, keeping existing output unchanged).
macro_rules! lualib {
    ($($variant:ident = $file:literal,)*) => {
        /// A Lua runtime helper the generated Lua may need; each is emitted once, only when
        /// used.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(missing_docs)]
        pub enum Helper {
            $($variant,)*
        }

        impl Helper {
            /// Every helper, in the order of emission.
            pub const ALL: &'static [Helper] = &[$(Helper::$variant,)*];

            /// The name of its file in `compiler/lualib/`, without `.lua`.
            pub fn file(self) -> &'static str {
                match self {
                    $(Helper::$variant => $file,)*
                }
            }

            /// The name of its Lua function.
            pub fn name(self) -> &'static str {
                match self {
                    $(Helper::$variant => concat!("redlua_", $file),)*
                }
            }

            /// The whole text of its file, header included.
            pub fn file_text(self) -> &'static str {
                match self {
                    $(Helper::$variant => include_str!(concat!("../lualib/", $file, ".lua")),)*
                }
            }
        }
    };
}

lualib! {
    ParseInt = "parse_int",
    ParseIntChecked = "parse_int_checked",
    Int = "int",
    GetInt = "get_int",
    ArgInt = "arg_int",
    ArgBool = "arg_bool",
    Div = "div",
    Rem = "rem",
    Index = "index",
    SetIndex = "set_index",
    FmtFloat = "fmt_float",
    ParseFloat = "parse_float",
    DynIsOk = "dyn_is_ok",
    DynInt = "dyn_int",
    DynString = "dyn_string",
    DynArray = "dyn_array",
    IsErr = "is_err",
    ResultOk = "result_ok",
    ResultErr = "result_err",
    Rest = "rest",
    CallSpread = "call_spread",
    IntCast = "int_cast",
    DeepEq = "deep_eq",
    MapInsert = "map_insert",
    MapRemove = "map_remove",
    MapLen = "map_len",
    MapReply = "map_reply",
    DeepCopy = "deep_copy",
    StrCmp = "str_cmp",
    Trim = "trim",
    Replace = "replace",
    Repeat = "repeat",
    Find = "find",
    Split = "split",
    Chunks = "chunks",
    Flags = "flags",
    OptFloats = "opt_floats",
    Pairs = "pairs",
    ScorePairs = "score_pairs",
    StreamEntries = "stream_entries",
    Time = "time",
    ExtendPairs = "extend_pairs",
    ArgFloat = "arg_float",
    GetFloat = "get_float",
    FloatToInt = "f2i",
    Round = "round",
    Contains = "contains",
    Sum = "sum",
    Extend = "extend",
    BitOp = "bitop",
    Shift = "shift",
    Fill = "fill",
    SplitOnce = "split_once",
    StripPrefix = "strip_prefix",
    StripSuffix = "strip_suffix",
    TrimStartMatches = "trim_start_matches",
    TrimEndMatches = "trim_end_matches",
    StrSlice = "str_slice",
    CharBoundary = "char_boundary",
    FmtFixed = "fmt_fixed",
    Pad = "pad",
    Chars = "chars",
    Lines = "lines",
    SplitN = "splitn",
    SortByKey = "sort_by_key",
    Retain = "retain",
    MapKeys = "map_keys",
    MapValues = "map_values",
    RsplitOnce = "rsplit_once",
    Rfind = "rfind",
    RemEuclid = "rem_euclid",
    DivEuclid = "div_euclid",
    CheckedMul = "checked_mul",
    SortStr = "sort_str",
    Reverse = "reverse",
    VecInsert = "vec_insert",
    VecRemove = "vec_remove",
    Truncate = "truncate",
    Map = "map",
    Step = "step",
    Pow = "pow",
    IntIn = "int_in",
    Pow2 = "pow2",
    Wrap = "wrap",
    F2iIn = "f2i_in",
    CheckedIn = "checked_in",
    ShiftIn = "shift_in",
    ArgIntIn = "arg_int_in",
    SumIn = "sum_in",
    DivIn = "div_in",
    Clamp = "clamp",
    FloatMin = "fmin",
    FloatMax = "fmax",
    EqIgnoreAsciiCase = "eq_ignore_ascii_case",
    FloatPowi = "powi",
    Reject = "reject",

    Unwrap = "unwrap",
    Dedup = "dedup",

    RecordText = "record_text",
    RecordHash = "record_hash",
    HsetRecord = "hset_record",
    RecordReply = "record_reply",

    MinByLen = "min_by_len",

    ArgLuaNumber = "arg_lua_number",

    ArgEnum = "arg_enum",

    Utf8Valid = "utf8_valid",
    JsonParse = "json_parse",
    JsonValue = "json_value",
    JsonDecode = "json_decode",
    JsonFloat = "json_float",
    JsonStr = "json_str",
    JsonEncode = "json_encode",

    VecSlice = "vec_slice",

    DebugEscapes = "debug_escapes",
    DebugStr = "debug_str",
    DebugFloat = "debug_float",
    Debug = "debug",
}

const REQUIRES: &str = "-- requires: ";
const RUST: &str = "-- rust: ";

impl Helper {
    /// The helper whose file is `compiler/lualib/<file>.lua`.
    pub fn from_file(file: &str) -> Option<Helper> {
        Helper::ALL.iter().copied().find(|h| h.file() == file)
    }

    /// The helper whose Lua function is named `name`.
    pub fn from_name(name: &str) -> Option<Helper> {
        let file = name.strip_prefix("redlua_")?;
        Helper::from_file(file)
    }

    /// The header line `-- requires: ..`, and the rest of the file.
    fn split(self) -> (&'static str, &'static str) {
        let text = self.file_text();
        let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
        (first, rest)
    }

    /// The file names its `-- requires:` header lists, in their order.
    pub fn requires_names(self) -> Vec<&'static str> {
        match self.split().0.strip_prefix(REQUIRES).map(str::trim) {
            None | Some("none") => vec![],
            Some(list) => list.split(',').map(str::trim).collect(),
        }
    }

    /// The helpers it calls, from its `-- requires:` header: each is emitted before it,
    /// in this order.
    pub fn requires(self) -> Vec<Helper> {
        self.requires_names().into_iter().filter_map(Helper::from_file).collect()
    }

    /// Its `-- rust:` line: the Rust meaning it gives.
    pub fn rust(self) -> &'static str {
        let rest = self.split().1;
        rest.split_once('\n').and_then(|(line, _)| line.strip_prefix(RUST)).unwrap_or("")
    }

    /// The Lua it emits: the file without its two header lines.
    pub fn source(self) -> &'static str {
        let rest = self.split().1;
        match rest.strip_prefix(RUST) {
            Some(r) => r.split_once('\n').map_or("", |(_, body)| body),
            None => rest,
        }
    }
}

/// The helpers the Lua of `blocks` names (calls, or passes as a function value).
pub fn used<'b>(blocks: impl IntoIterator<Item = &'b Block>) -> BTreeSet<Helper> {
    let mut found = BTreeSet::new();
    for b in blocks {
        lua::visit_names(b, &mut |n| {
            if let Some(h) = Helper::from_name(n) {
                found.insert(h);
            }
        });
    }
    found
}

/// The helpers `used` and the ones they require, in the order of emission: the used ones
/// in the order of [`Helper::ALL`], each after what it requires (in the order of its
/// header).
pub fn in_order(used: &BTreeSet<Helper>) -> Vec<Helper> {
    // `path` guards against a cycle of headers (a test rules them out).
    fn visit(h: Helper, done: &mut Vec<Helper>, path: &mut Vec<Helper>) {
        if done.contains(&h) || path.contains(&h) {
            return;
        }
        path.push(h);
        for d in h.requires() {
            visit(d, done, path);
        }
        path.pop();
        done.push(h);
    }
    let mut order = Vec::new();
    for h in used {
        visit(*h, &mut order, &mut Vec::new());
    }
    order
}

/// The Lua text of `helpers` and what they require, as a generated chunk holds them:
/// for tests that run a helper on its own.
pub fn chunk(helpers: &[Helper]) -> String {
    let used: BTreeSet<Helper> = helpers.iter().copied().collect();
    in_order(&used).into_iter().map(Helper::source).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The identifiers of Lua code, outside comments and string literals.
    fn identifiers(code: &str) -> Vec<&str> {
        let b = code.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        // The end of a long bracket `[==[ .. ]==]` opened at `at`, if one is.
        let long = |at: usize| -> Option<usize> {
            let eqs = b[at + 1..].iter().take_while(|&&c| c == b'=').count();
            if b.get(at + 1 + eqs) != Some(&b'[') {
                return None;
            }
            let close = format!("]{}]", "=".repeat(eqs));
            Some(code[at..].find(&close).map_or(b.len(), |e| at + e + close.len()))
        };
        while i < b.len() {
            let c = b[i];
            if code[i..].starts_with("--") {
                i = match (b.get(i + 2) == Some(&b'[')).then(|| long(i + 2)).flatten() {
                    Some(end) => end,
                    None => code[i..].find('\n').map_or(b.len(), |e| i + e),
                };
            } else if c == b'\'' || c == b'"' {
                i += 1;
                while i < b.len() && b[i] != c {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            } else if c == b'[' && long(i).is_some() {
                i = long(i).unwrap_or(b.len());
            } else if c.is_ascii_alphabetic() || c == b'_' {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                out.push(&code[start..i]);
            } else if c.is_ascii_digit() {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        out
    }

    #[test]
    fn identifiers_skip_comments_and_strings() {
        let code = "-- redlua_a\nlocal x = 'redlua_b' .. \"redlua_\\\"c\" .. [[redlua_d]] --[==[ redlua_e ]==]\nreturn redlua_f(1e5)";
        assert_eq!(identifiers(code), ["local", "x", "return", "redlua_f"]);
    }

    #[test]
    fn every_file_is_listed_and_every_listed_file_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lualib");
        let mut files = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).expect("compiler/lualib is readable") {
            let name = entry.expect("a directory entry").file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".lua").unwrap_or_else(|| panic!("compiler/lualib/{name} is not a .lua file"));
            files.insert(stem.to_string());
        }
        let listed: BTreeSet<String> = Helper::ALL.iter().map(|h| h.file().to_string()).collect();
        assert_eq!(listed.len(), Helper::ALL.len(), "a file is listed twice in lualib!");
        let unlisted: Vec<_> = files.difference(&listed).collect();
        assert!(unlisted.is_empty(), "compiler/lualib has files not listed in lualib! (compiler/src/lualib.rs): {unlisted:?}");
        let missing: Vec<_> = listed.difference(&files).collect();
        assert!(missing.is_empty(), "lualib! lists files that compiler/lualib does not have: {missing:?}");
    }

    #[test]
    fn every_file_has_its_header_and_defines_its_function() {
        for &h in Helper::ALL {
            let text = h.file_text();
            let mut lines = text.lines();
            let first = lines.next().unwrap_or_default();
            assert!(first.starts_with(REQUIRES), "{}.lua: the first line must be `-- requires: ..` (or `-- requires: none`), not {first:?}", h.file());
            let second = lines.next().unwrap_or_default();
            assert!(second.starts_with(RUST) && second.len() > RUST.len() + 3, "{}.lua: the second line must be `-- rust: <its Rust meaning>`", h.file());
            assert_eq!(h.rust(), &second[RUST.len()..]);
            assert!(text.ends_with("end\n") || text.ends_with("}\n"), "{}.lua: ends with the `end` of its function (or the `}}` of its table) and a newline", h.file());
            let def = format!("local function {}(", h.name());
            let table = format!("local {} = {{", h.name());
            assert!(h.source().contains(&def) || h.source().contains(&table), "{}.lua defines `{def}..)` (or the table `{table}..}}`)", h.file());
            assert!(!h.source().starts_with("-- requires") && !h.source().starts_with(RUST));
        }
    }

    #[test]
    fn the_requires_headers_name_exactly_the_helpers_each_file_calls() {
        for &h in Helper::ALL {
            let header = h.requires_names();
            for n in &header {
                assert!(Helper::from_file(n).is_some(), "{}.lua requires `{n}`, which is no helper", h.file());
            }
            let header: BTreeSet<&str> = header.into_iter().collect();
            let called: BTreeSet<&str> = identifiers(h.source())
                .into_iter()
                .filter_map(Helper::from_name)
                .filter(|&d| d != h)
                .map(Helper::file)
                .collect();
            assert_eq!(header, called, "{}.lua: `-- requires:` must list the helpers its code names", h.file());
            assert_eq!(h.requires().len(), h.requires_names().len(), "{}.lua names a helper twice", h.file());
        }
    }

    #[test]
    fn the_requirements_have_no_cycle() {
        // Depth-first, with the helpers on the current path.
        fn check(h: Helper, path: &mut Vec<Helper>, done: &mut BTreeMap<Helper, ()>) {
            if done.contains_key(&h) {
                return;
            }
            assert!(!path.contains(&h), "the requirements form a cycle: {:?}", path.iter().map(|h| h.file()).collect::<Vec<_>>());
            path.push(h);
            for d in h.requires() {
                check(d, path, done);
            }
            path.pop();
            done.insert(h, ());
        }
        let mut done = BTreeMap::new();
        for &h in Helper::ALL {
            check(h, &mut Vec::new(), &mut done);
        }
    }

    #[test]
    fn each_helper_is_emitted_after_what_it_requires_and_once() {
        for &h in Helper::ALL {
            let order = in_order(&[h].into_iter().collect());
            assert_eq!(order.last(), Some(&h));
            for (i, x) in order.iter().enumerate() {
                assert!(!order[i + 1..].contains(x), "{} twice", x.file());
                for d in x.requires() {
                    let at = order.iter().position(|y| *y == d);
                    assert!(at.is_some_and(|at| at < i), "{} must come after {}", x.file(), d.file());
                }
            }
        }
        // The roots keep the order of the list; requirements go right before their first user.
        let used = [Helper::Sum, Helper::Div, Helper::DivEuclid].into_iter().collect();
        let files: Vec<_> = in_order(&used).into_iter().map(Helper::file).collect();
        assert_eq!(files, ["div", "int", "sum", "rem", "div_euclid"]);
    }

    #[test]
    fn used_finds_helpers_named_anywhere_in_the_ast() {
        use crate::lua::{Expr, Stmt, StmtKind};
        let body = vec![
            Stmt::new(StmtKind::Comment("redlua_trim is only mentioned here".into())),
            Stmt::new(StmtKind::Local(vec!["redlua_r".into()], vec![Expr::str("redlua_split")])),
            Stmt::new(StmtKind::Return(vec![Expr::call("redlua_map", vec![Expr::name("t"), Expr::name("redlua_fmt_float")])])),
        ];
        let found: Vec<_> = used([&body]).into_iter().collect();
        assert_eq!(found, [Helper::FmtFloat, Helper::Map]);
    }
}
