//! The Redis command table as data, and the questions the compiler's rules ask of it.
//!
//! [`COMMANDS`] holds one [`CommandSpec`] per command and per subcommand (`"CONFIG GET"`), read
//! from a real server's `COMMAND` and `COMMAND DOCS` by `cargo xtask gen-commands` and committed
//! as `command_table.rs`: plain `&'static` data, compiled in, so the macro reads it without I/O
//! or parsing. [`SERVER_VERSION`] names the server it came from.
//!
//! ```
//! use redlua_compiler::command_spec::{lookup, ArgShape};
//!
//! let set = lookup("set").unwrap();
//! assert!(set.is_write() && set.accepts_argc(3));
//! let mset = lookup("MSET").unwrap();
//! let argv = [ArgShape::Literal("MSET"), ArgShape::Unknown, ArgShape::Unknown, ArgShape::Unknown, ArgShape::Unknown];
//! assert_eq!(mset.key_indices(&argv), Ok(vec![1, 3]));
//! ```
//!
//! Argument positions are those of the full argv: index 0 is the command name (for a
//! subcommand, index 1 is the subcommand name), as in the server's key specs and arity.

use std::cmp::Ordering;
use std::fmt;

pub use crate::command_table::{COMMANDS, SERVER_VERSION};

/// One command or subcommand.
#[derive(Debug, PartialEq, Eq)]
pub struct CommandSpec {
    /// Upper case; a subcommand is `"CONTAINER SUB"` (`"CONFIG GET"`, `"XINFO STREAM"`).
    pub name: &'static str,
    /// The number of argv entries, command name included; negative: at least `-arity`.
    pub arity: i64,
    /// Command flags as the server reports them: `write`, `readonly`, `denyoom`, `noscript`,
    /// `fast`, `blocking`, `movablekeys`, `stale`, `loading`, `pubsub`, `admin`, ...
    pub flags: &'static [&'static str],
    /// ACL categories as the server reports them (`@write`, `@string`, `@slow`, ...).
    pub acl_categories: &'static [&'static str],
    /// Command tips: `nondeterministic_output`, `nondeterministic_output_order`,
    /// `request_policy:all_shards`, `response_policy:agg_sum`, ...
    pub tips: &'static [&'static str],
    /// Where the keys are in the argv.
    pub key_specs: &'static [KeySpec],
    /// The documentation group (`string`, `hash`, `sorted-set`, `server`, ...).
    pub group: &'static str,
    /// The Redis version that introduced the command.
    pub since: &'static str,
    /// One line of documentation.
    pub summary: &'static str,
    /// `deprecated`, `syscmd`.
    pub doc_flags: &'static [&'static str],
    /// The version that deprecated the command, if it is.
    pub deprecated_since: Option<&'static str>,
    /// What replaces a deprecated command, in the server's words (Markdown).
    pub replaced_by: Option<&'static str>,
    /// The argument tree from `COMMAND DOCS` (after the command and subcommand names).
    pub args: &'static [Arg],
}

/// A key specification: a rule that finds some of a command's keys in its argv.
#[derive(Debug, PartialEq, Eq)]
pub struct KeySpec {
    /// Upper case: `RW`, `RO`, `OW`, `RM` (how the value is used), `ACCESS`, `UPDATE`,
    /// `INSERT`, `DELETE` (what happens to it), and `NOT_KEY`, `INCOMPLETE`, `VARIABLE_FLAGS`.
    pub flags: &'static [&'static str],
    /// Where the search starts.
    pub begin_search: BeginSearch,
    /// Which arguments from there are keys.
    pub find_keys: FindKeys,
    /// The server's remark about this spec, if any.
    pub notes: Option<&'static str>,
}

/// The first step of a key spec: where its keys begin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BeginSearch {
    /// At this argv index.
    Index(i64),
    /// Just after the argument equal (ignoring case) to `keyword`, searched from `startfrom`
    /// forwards, or backwards from `argc + startfrom` when `startfrom` is negative. No keys
    /// when the keyword is absent.
    Keyword {
        /// The keyword (`STREAMS`, `KEYS`, ...).
        keyword: &'static str,
        /// The argv index the search starts at; negative counts from the end.
        startfrom: i64,
    },
    /// The server cannot say (`SORT ... STORE`): the positions depend on the arguments.
    Unknown,
}

/// The second step of a key spec: which arguments from the beginning are keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindKeys {
    /// Keys from the beginning to `lastkey` (relative to it; negative: relative to the end of
    /// argv), every `step` arguments. With a negative `lastkey` and `limit > 0`, only
    /// `1 / limit` of the remaining arguments (`XREAD ... STREAMS k1 k2 id1 id2`: `limit` 2).
    Range {
        /// The last key, relative to the first; negative counts from the end.
        lastkey: i64,
        /// The distance between keys.
        step: i64,
        /// Divides the remaining arguments when `lastkey` is negative; 0 for all of them.
        limit: i64,
    },
    /// The argument at `keynumidx` (relative to the beginning) holds the number of keys, which
    /// start `firstkey` arguments after the beginning, every `step` (`EVAL`, `ZUNIONSTORE`).
    Keynum {
        /// Where the count is, relative to the beginning.
        keynumidx: i64,
        /// Where the first key is, relative to the beginning.
        firstkey: i64,
        /// The distance between keys.
        step: i64,
    },
    /// The server cannot say.
    Unknown,
}

/// One node of a command's argument tree, as `COMMAND DOCS` gives it.
#[derive(Debug, PartialEq, Eq)]
pub struct Arg {
    /// The documentation name (`key`, `count`, `condition`, ...).
    pub name: &'static str,
    /// What the argument is.
    pub kind: ArgType,
    /// The literal token that introduces it (`EX`, `BLOCK`, `STREAMS`), if any.
    pub token: Option<&'static str>,
    /// For a key: the index of its spec in [`CommandSpec::key_specs`].
    pub key_spec: Option<usize>,
    /// May be left out.
    pub optional: bool,
    /// May be repeated.
    pub multiple: bool,
    /// With `multiple`: the token is repeated too (`GET p1 GET p2` in SORT).
    pub multiple_token: bool,
    /// The children of a `OneOf` or `Block`.
    pub args: &'static [Arg],
}

impl Arg {
    /// An argument with every field at its default; the table fills in the rest.
    pub const DEFAULT: Arg = Arg {
        name: "",
        kind: ArgType::String,
        token: None,
        key_spec: None,
        optional: false,
        multiple: false,
        multiple_token: false,
        args: &[],
    };
}

/// The type of a documented argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A floating-point number.
    Double,
    /// A key name.
    Key,
    /// A glob-style pattern.
    Pattern,
    /// A Unix time (seconds or milliseconds).
    UnixTime,
    /// Only its token (`NX`, `WITHSCORES`).
    PureToken,
    /// Exactly one of its children.
    OneOf,
    /// All of its children, in order.
    Block,
}

/// What the compiler knows about one argv entry of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgShape<'a> {
    /// A value known at compile time, as it will be sent (`"STREAMS"`, `"2"`).
    Literal(&'a str),
    /// An integer whose value is known only at run time: never equal to a keyword.
    Integer,
    /// Any value known only at run time (a key, a string, ...).
    Unknown,
}

/// Why [`CommandSpec::key_indices`] cannot tell the key positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyIndexError {
    /// A key count (`numkeys`) is not a literal: the positions are known only at run time.
    RuntimeKeyCount {
        /// The argv index of the count.
        index: usize,
    },
    /// A key count is a literal that is not a non-negative integer.
    BadKeyCount {
        /// The argv index of the count.
        index: usize,
    },
    /// An argument not known at compile time could be the keyword a key spec searches for.
    RuntimeKeyword {
        /// The argv index of that argument.
        index: usize,
        /// The keyword.
        keyword: &'static str,
    },
    /// The argv is too short for the keys a spec describes (the server would reply with an
    /// arity or syntax error).
    OutOfRange {
        /// The index of the key spec.
        spec: usize,
    },
    /// A key spec the server describes as `unknown` or `INCOMPLETE`: the table alone cannot
    /// find all keys (`SORT ... STORE`, `MIGRATE ... KEYS`). `found` holds the positions the
    /// other specs give.
    Incomplete {
        /// The index of the key spec.
        spec: usize,
        /// The key positions that could be found.
        found: Vec<usize>,
    },
}

impl fmt::Display for KeyIndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyIndexError::RuntimeKeyCount { index } => {
                write!(f, "the number of keys (argument {index}) must be a literal")
            }
            KeyIndexError::BadKeyCount { index } => {
                write!(
                    f,
                    "the number of keys (argument {index}) is not a non-negative integer"
                )
            }
            KeyIndexError::RuntimeKeyword { index, keyword } => {
                write!(
                    f,
                    "argument {index} is known only at run time and could be the keyword {keyword}"
                )
            }
            KeyIndexError::OutOfRange { .. } => {
                write!(f, "too few arguments for the keys the command expects")
            }
            KeyIndexError::Incomplete { .. } => {
                write!(
                    f,
                    "the command table cannot tell where all of this command's keys are"
                )
            }
        }
    }
}

impl std::error::Error for KeyIndexError {}

/// Compares a looked-up name with a table name: ASCII case-insensitive, `|` read as a space.
fn compare_name(query: &str, name: &str) -> Ordering {
    let norm = |b: u8| {
        if b == b'|' {
            b' '
        } else {
            b.to_ascii_uppercase()
        }
    };
    query.bytes().map(norm).cmp(name.bytes())
}

/// The command or subcommand called `name`: any case, a subcommand as `"XINFO STREAM"` or
/// `"xinfo|stream"`.
pub fn lookup(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS
        .binary_search_by(|spec| compare_name(name, spec.name).reverse())
        .ok()
        .map(|i| &COMMANDS[i])
}

impl CommandSpec {
    /// Whether the server reports `flag` (any case) for this command.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f.eq_ignore_ascii_case(flag))
    }

    /// Whether the command carries the tip `tip` (any case).
    pub fn has_tip(&self, tip: &str) -> bool {
        self.tips.iter().any(|t| t.eq_ignore_ascii_case(tip))
    }

    /// Flagged `write`: it may modify data (refused in a `read_only` function).
    pub fn is_write(&self) -> bool {
        self.has_flag("write")
    }

    /// Flagged `readonly`: it only reads data. (Many commands have neither flag: `PUBLISH`,
    /// `TIME`, `PING`.)
    pub fn is_readonly(&self) -> bool {
        self.has_flag("readonly")
    }

    /// Flagged `noscript`: the server refuses it inside scripts and functions.
    pub fn is_noscript(&self) -> bool {
        self.has_flag("noscript")
    }

    /// Flagged `denyoom`: refused when the server is out of memory.
    pub fn is_denyoom(&self) -> bool {
        self.has_flag("denyoom")
    }

    /// Whether the command can block its client: the server's `blocking` flag. It marks the
    /// `B*` list and sorted-set commands, which always wait (up to their timeout), and
    /// `XREAD`/`XREADGROUP`, which wait only with their `BLOCK` option ([`Self::block_option`];
    /// [`Self::blocks_with`] tells for a concrete argv).
    pub fn is_blocking(&self) -> bool {
        self.has_flag("blocking")
    }

    /// The argument whose token is `BLOCK` (`XREAD`, `XREADGROUP`), searched through the
    /// whole argument tree.
    pub fn block_option(&self) -> Option<&'static Arg> {
        fn find(args: &'static [Arg]) -> Option<&'static Arg> {
            args.iter().find_map(|a| {
                if a.token.is_some_and(|t| t.eq_ignore_ascii_case("BLOCK")) {
                    Some(a)
                } else {
                    find(a.args)
                }
            })
        }
        find(self.args)
    }

    /// Whether a call with this argv can block: always for a `blocking` command without a
    /// `BLOCK` option, and for the others when a literal argument is that option's token.
    /// Arguments not known at compile time are taken not to be the token: a caller that lets
    /// the option be chosen at run time has to refuse that itself.
    pub fn blocks_with(&self, argv: &[ArgShape<'_>]) -> bool {
        if !self.is_blocking() {
            return false;
        }
        match self.block_option().and_then(|a| a.token) {
            None => true,
            Some(token) => argv
                .iter()
                .skip(self.name_words())
                .any(|a| matches!(a, ArgShape::Literal(s) if s.eq_ignore_ascii_case(token))),
        }
    }

    /// Whether the output is nondeterministic: the tip `nondeterministic_output` (`RANDOMKEY`,
    /// `SRANDMEMBER`, `SPOP`, `TIME`, `SCAN`, `XINFO STREAM`, ...). Commands whose output is the
    /// same set in an unspecified order (`SMEMBERS`, `HGETALL`, `KEYS`) carry
    /// `nondeterministic_output_order` instead: see [`Self::is_nondeterministic_order`].
    pub fn is_nondeterministic(&self) -> bool {
        self.has_tip("nondeterministic_output")
    }

    /// The tip `nondeterministic_output_order`: the reply's elements are determined, not their
    /// order.
    pub fn is_nondeterministic_order(&self) -> bool {
        self.has_tip("nondeterministic_output_order")
    }

    /// Whether a full argv of `argc` entries (command name included) has the right length.
    pub fn accepts_argc(&self, argc: usize) -> bool {
        let argc = argc as i64;
        if self.arity >= 0 {
            argc == self.arity
        } else {
            argc >= -self.arity
        }
    }

    /// A subcommand name (`"CONFIG GET"`) or a plain command.
    pub fn is_subcommand(&self) -> bool {
        self.name.contains(' ')
    }

    /// The number of argv entries the name takes: 1, or 2 for a subcommand.
    fn name_words(&self) -> usize {
        if self.is_subcommand() {
            2
        } else {
            1
        }
    }

    /// The subcommands of a container command (`CONFIG`, `XINFO`, `FUNCTION`); empty for
    /// the others.
    pub fn subcommands(&self) -> &'static [CommandSpec] {
        let Ok(at) = COMMANDS.binary_search_by(|c| c.name.cmp(self.name)) else {
            return &[];
        };
        let rest = &COMMANDS[at + 1..];
        // Sorted by name, and ' ' sorts before every other character of a name: a container's
        // subcommands follow it directly.
        let n = rest
            .iter()
            .take_while(|c| {
                c.name
                    .strip_prefix(self.name)
                    .is_some_and(|s| s.starts_with(' '))
            })
            .count();
        &rest[..n]
    }

    /// Whether the command has subcommands (and is called only through them).
    pub fn is_container(&self) -> bool {
        !self.subcommands().is_empty()
    }

    /// The subcommand `sub` (any case) of this container.
    pub fn subcommand(&self, sub: &str) -> Option<&'static CommandSpec> {
        self.subcommands()
            .iter()
            .find(|c| c.name[self.name.len() + 1..].eq_ignore_ascii_case(sub))
    }

    /// The key positions for an argv of `argc` entries whose values are all unknown, when the
    /// key specs do not depend on the values (no key count, no keyword search).
    pub fn key_positions(&self, argc: usize) -> Option<Vec<usize>> {
        let argv = vec![ArgShape::Unknown; argc];
        self.key_indices(&argv).ok()
    }

    /// The argv indices of the keys of a concrete call, found with the key specs as the server
    /// does (`getKeysUsingKeySpecs`), in spec order. `argv` is the full call, name included.
    ///
    /// A key count that is not a literal, or a keyword that an unknown argument could stand
    /// for, makes the positions depend on run-time values: an error says which argument.
    /// Specs flagged `NOT_KEY` are skipped; a keyword that is absent gives no keys.
    pub fn key_indices(&self, argv: &[ArgShape<'_>]) -> Result<Vec<usize>, KeyIndexError> {
        let argc = argv.len() as i64;
        let mut keys = Vec::new();
        let mut incomplete = None;
        for (n, spec) in self.key_specs.iter().enumerate() {
            if spec.has_flag("NOT_KEY") {
                continue;
            }
            let first = match spec.begin_search {
                BeginSearch::Index(i) => i,
                BeginSearch::Keyword { keyword, startfrom } => {
                    match find_keyword(argv, keyword, startfrom)? {
                        Some(i) => i + 1,
                        None => continue,
                    }
                }
                BeginSearch::Unknown => {
                    incomplete.get_or_insert(n);
                    continue;
                }
            };
            let (first, last, step) = match spec.find_keys {
                FindKeys::Range {
                    lastkey,
                    step,
                    limit,
                } => {
                    let last = if lastkey >= 0 {
                        first + lastkey
                    } else if limit <= 0 {
                        argc + lastkey
                    } else {
                        first + ((argc - first) / limit + lastkey)
                    };
                    if lastkey < 0 && last < first {
                        // A variable number of keys, here none (`PFMERGE dest`).
                        continue;
                    }
                    (first, last, step)
                }
                FindKeys::Keynum {
                    keynumidx,
                    firstkey,
                    step,
                } => {
                    let at = first + keynumidx;
                    if at < 0 || at >= argc {
                        return Err(KeyIndexError::OutOfRange { spec: n });
                    }
                    let index = at as usize;
                    let count = match argv[index] {
                        ArgShape::Literal(s) => match s.parse::<i64>() {
                            Ok(c) if c >= 0 => c,
                            _ => return Err(KeyIndexError::BadKeyCount { index }),
                        },
                        ArgShape::Integer | ArgShape::Unknown => {
                            return Err(KeyIndexError::RuntimeKeyCount { index })
                        }
                    };
                    if count == 0 {
                        // `EVAL script 0`: no keys.
                        continue;
                    }
                    let first = first + firstkey;
                    (first, first + (count - 1) * step, step)
                }
                FindKeys::Unknown => {
                    incomplete.get_or_insert(n);
                    continue;
                }
            };
            if step <= 0 || first < 1 || last < first || last >= argc {
                return Err(KeyIndexError::OutOfRange { spec: n });
            }
            keys.extend((first..=last).step_by(step as usize).map(|i| i as usize));
            if spec.has_flag("INCOMPLETE") {
                incomplete.get_or_insert(n);
            }
        }
        match incomplete {
            Some(spec) => Err(KeyIndexError::Incomplete { spec, found: keys }),
            None => Ok(keys),
        }
    }
}

/// The argv index of `keyword` for a keyword key spec, searched as the server does; an unknown
/// argument met before it could be the keyword.
fn find_keyword(
    argv: &[ArgShape<'_>],
    keyword: &'static str,
    startfrom: i64,
) -> Result<Option<i64>, KeyIndexError> {
    let argc = argv.len() as i64;
    let (start, end) = if startfrom > 0 {
        (startfrom, argc - 1)
    } else {
        (argc + startfrom, 1)
    };
    let forward = start <= end;
    let mut i = start;
    while i != end {
        if i >= argc || i < 1 {
            break;
        }
        match argv[i as usize] {
            ArgShape::Literal(s) if s.eq_ignore_ascii_case(keyword) => return Ok(Some(i)),
            ArgShape::Unknown => {
                return Err(KeyIndexError::RuntimeKeyword {
                    index: i as usize,
                    keyword,
                })
            }
            ArgShape::Literal(_) | ArgShape::Integer => {}
        }
        i += if forward { 1 } else { -1 };
    }
    Ok(None)
}

impl KeySpec {
    /// Whether the spec carries `flag` (any case).
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f.eq_ignore_ascii_case(flag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ArgShape::{Integer as I, Literal as L, Unknown as U};

    fn spec(name: &str) -> &'static CommandSpec {
        lookup(name).unwrap_or_else(|| panic!("{name} is not in the table"))
    }

    #[test]
    fn lookup_ignores_case_and_finds_subcommands() {
        assert_eq!(spec("get").name, "GET");
        assert_eq!(spec("Config Get").name, "CONFIG GET");
        assert_eq!(spec("xinfo|stream").name, "XINFO STREAM");
        assert_eq!(spec("XINFO STREAM").name, "XINFO STREAM");
        assert!(lookup("NOSUCHCOMMAND").is_none());
        assert!(lookup("").is_none());
        assert!(lookup("GET ").is_none());
        assert_eq!(spec("FCALL_RO").name, "FCALL_RO");
    }

    #[test]
    fn containers_list_their_subcommands() {
        let config = spec("CONFIG");
        assert!(config.is_container());
        assert!(config
            .subcommands()
            .iter()
            .all(|c| c.name.starts_with("CONFIG ")));
        assert_eq!(config.subcommand("get").map(|c| c.name), Some("CONFIG GET"));
        assert!(config.subcommand("nope").is_none());
        assert!(!spec("GET").is_container());
        assert!(spec("XINFO").subcommands().len() >= 3);
    }

    #[test]
    fn get_has_its_key_at_1() {
        let get = spec("GET");
        assert_eq!(get.key_indices(&[L("GET"), U]), Ok(vec![1]));
        assert_eq!(get.key_positions(2), Some(vec![1]));
    }

    #[test]
    fn mset_keys_are_every_other_argument() {
        let mset = spec("MSET");
        assert_eq!(mset.key_positions(6), Some(vec![1, 3, 5]));
        assert_eq!(
            mset.key_indices(&[L("MSET"), U, L("1"), U, I]),
            Ok(vec![1, 3])
        );
    }

    #[test]
    fn eval_and_fcall_count_their_keys() {
        for name in ["EVAL", "EVALSHA", "EVAL_RO", "FCALL", "FCALL_RO"] {
            let c = spec(name);
            assert_eq!(
                c.key_indices(&[L(name), L("body"), L("2"), U, U, U]),
                Ok(vec![3, 4]),
                "{name}"
            );
            assert_eq!(
                c.key_indices(&[L(name), L("body"), L("0"), U]),
                Ok(vec![]),
                "{name}"
            );
            assert_eq!(
                c.key_indices(&[L(name), L("body"), I, U, U]),
                Err(KeyIndexError::RuntimeKeyCount { index: 2 })
            );
            assert_eq!(
                c.key_indices(&[L(name), L("body"), L("x"), U]),
                Err(KeyIndexError::BadKeyCount { index: 2 })
            );
            assert_eq!(
                c.key_indices(&[L(name), L("body"), L("3"), U]),
                Err(KeyIndexError::OutOfRange { spec: 0 })
            );
            assert_eq!(c.key_positions(5), None);
        }
    }

    #[test]
    fn a_variable_key_list_may_be_empty() {
        let pfmerge = spec("PFMERGE");
        assert_eq!(pfmerge.key_positions(2), Some(vec![1]));
        assert_eq!(pfmerge.key_positions(4), Some(vec![1, 2, 3]));
    }

    #[test]
    fn zunionstore_has_a_destination_and_counted_sources() {
        let z = spec("ZUNIONSTORE");
        let argv = [
            L("ZUNIONSTORE"),
            U,
            L("2"),
            U,
            U,
            L("WEIGHTS"),
            L("1"),
            L("2"),
        ];
        assert_eq!(z.key_indices(&argv), Ok(vec![1, 3, 4]));
        assert_eq!(
            spec("ZUNION").key_indices(&[L("ZUNION"), L("1"), U]),
            Ok(vec![2])
        );
    }

    #[test]
    fn xread_keys_follow_streams() {
        let x = spec("XREAD");
        let argv = [
            L("XREAD"),
            L("COUNT"),
            I,
            L("STREAMS"),
            U,
            U,
            L("0"),
            L("$"),
        ];
        assert_eq!(x.key_indices(&argv), Ok(vec![4, 5]));
        assert_eq!(
            x.key_indices(&[L("XREAD"), L("streams"), U, U]),
            Ok(vec![2])
        );
        // An unknown argument before STREAMS could be STREAMS itself.
        assert_eq!(
            x.key_indices(&[L("XREAD"), U, L("STREAMS"), U, U]),
            Err(KeyIndexError::RuntimeKeyword {
                index: 1,
                keyword: "STREAMS"
            })
        );
        let g = spec("XREADGROUP");
        let argv = [L("XREADGROUP"), L("GROUP"), U, U, L("STREAMS"), U, L(">")];
        assert_eq!(g.key_indices(&argv), Ok(vec![5]));
    }

    #[test]
    fn incomplete_specs_are_reported_with_what_was_found() {
        let sort = spec("SORT");
        match sort.key_indices(&[L("SORT"), U, L("STORE"), U]) {
            Err(KeyIndexError::Incomplete { found, .. }) => assert_eq!(found, vec![1]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flags() {
        let set = spec("SET");
        assert!(set.is_write() && set.is_denyoom() && !set.is_readonly());
        let get = spec("GET");
        assert!(get.is_readonly() && !get.is_write());
        assert!(spec("FUNCTION LOAD").is_noscript());
        assert!(spec("EVAL").is_noscript());
        assert!(!get.is_noscript());
        assert!(!spec("PUBLISH").is_write());
    }

    #[test]
    fn nondeterminism_comes_from_the_tips() {
        for name in [
            "RANDOMKEY",
            "SRANDMEMBER",
            "SPOP",
            "TIME",
            "HRANDFIELD",
            "ZRANDMEMBER",
            "SCAN",
        ] {
            assert!(spec(name).is_nondeterministic(), "{name}");
        }
        for name in ["GET", "SET", "SMEMBERS", "HGETALL", "ZRANGE", "INCR"] {
            assert!(!spec(name).is_nondeterministic(), "{name}");
        }
        assert!(spec("SMEMBERS").is_nondeterministic_order());
        assert!(spec("HGETALL").is_nondeterministic_order());
    }

    #[test]
    fn blocking() {
        for name in [
            "BLPOP",
            "BRPOP",
            "BLMOVE",
            "BZPOPMIN",
            "XREAD",
            "XREADGROUP",
        ] {
            assert!(spec(name).is_blocking(), "{name}");
        }
        assert!(!spec("LPOP").is_blocking());
        let xread = spec("XREAD");
        assert_eq!(xread.block_option().map(|a| a.kind), Some(ArgType::Integer));
        assert!(xread.blocks_with(&[L("XREAD"), L("block"), I, L("STREAMS"), U, L("$")]));
        assert!(!xread.blocks_with(&[L("XREAD"), L("STREAMS"), U, L("$")]));
        let blpop = spec("BLPOP");
        assert!(blpop.block_option().is_none());
        assert!(blpop.blocks_with(&[L("BLPOP"), U, L("0")]));
        assert!(!spec("LPOP").blocks_with(&[L("LPOP"), U]));
    }

    #[test]
    fn arity() {
        let get = spec("GET");
        assert!(!get.accepts_argc(1) && get.accepts_argc(2) && !get.accepts_argc(3));
        let mset = spec("MSET");
        assert!(!mset.accepts_argc(1) && !mset.accepts_argc(2));
        assert!(mset.accepts_argc(3) && mset.accepts_argc(5) && mset.accepts_argc(101));
        // A subcommand's arity counts the container's name too.
        assert!(spec("XINFO STREAM").accepts_argc(3));
        assert!(!spec("XINFO STREAM").accepts_argc(2));
    }

    #[test]
    fn set_documents_its_options() {
        let set = spec("SET");
        assert_eq!(set.group, "string");
        assert_eq!(set.args[0].kind, ArgType::Key);
        assert_eq!(set.args[0].key_spec, Some(0));
        let tokens: Vec<&str> = set
            .args
            .iter()
            .flat_map(|a| a.args)
            .filter_map(|a| a.token)
            .collect();
        for token in ["NX", "XX", "EX", "PX", "EXAT", "PXAT", "KEEPTTL"] {
            assert!(tokens.contains(&token), "{token} in {tokens:?}");
        }
        assert_eq!(spec("GETSET").deprecated_since, Some("6.2.0"));
    }
}
