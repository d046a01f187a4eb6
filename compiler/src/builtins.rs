//! Builtin methods as data: one row per method of `str`, `Vec`, `HashMap`, the integer
//! types, `f64` and `Option` that translates to a fixed piece of Lua.
//!
//! A row says how Rust calls the method (receiver type, name, argument types, return
//! type), what it does to its operands (flags) and how it is emitted. Lowering finds the
//! row by receiver type, name and argument count ([`find`]), type-checks the arguments
//! against it and refuses what its flags refuse; code generation emits it by its
//! [`Emit`]; the passes that ask whether a call changes its receiver
//! ([`crate::ir::Expr::may_change`]), whether it is quiet (a closure of quiet calls may
//! run once more than in Rust) or whether it keeps its arguments (the copy pass) read
//! the flags. [`Method`], the IR's name for a call, is the row's identifier.
//!
//! Some rows have no Rust name ([`built`]): lowering builds them for other constructs
//! (`a + &b` and `format!` concatenate with [`Method::StrConcat`], `as` casts, `clone`,
//! `vec![x; n]`, `&s[a..b]`, `parse::<T>()`, the sources of iterator chains).
//!
//! Adding a method: one row in [`builtins!`] below (and, when its Lua needs a function, a
//! helper: a file in `compiler/lualib/` and its `Helper` name). A row's emission is data
//! where it can be (a Lua operator, a call of Lua's library, a call of a helper), else a
//! function at the end of this file.
//!
//! Not in the table, because they are not one call with fixed types and Lua:
//! - in `lower.rs` (`method_call`): `opt.unwrap_or(d)`, `is_some`, `is_none`, the
//!   conversions of strings (`to_string`, `as_str`, `clone`, `into`) and numbers
//!   (`to_string`, `clone`), `key.derive(..)`, the methods of `Value` and `try_call!`
//!   results (`DynMethod`), the closure-taking `Option` methods (`map`, `and_then`,
//!   `filter`, `is_some_and`, `unwrap_or_else`: `OptionOp`), `s.parse::<T>()`, iterator
//!   chains (`IterChain`), the `entry` idiom and `s.chars().count()`;
//! - in `lang/collections.rs` (`library_method`, before the table is read): `map.insert(k, v)`
//!   (it gives an untyped map its type), `push` onto an untyped `Vec`, `clone`, `to_vec`,
//!   `cloned` and `copied` (copies), `v.retain(f)` and `v.sort_by_key(f)` (closures),
//!   `s.trim_matches(p)` (two rows), `s.push_str(t)` / `s.push(c)` (an assignment),
//!   `is_positive` / `is_negative` (comparisons) and the refusal of `sort` on other
//!   element types.

use crate::lualib::Helper;
use crate::types::{narrow, IntTy, Ty};
use crate::lua::{big_int, BinOp as LB, Expr as L, UnOp as LU};

/// How Rust calls a method: receiver type, names, argument and return types.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sig {
    /// The receiver types it applies to.
    pub recv: Recv,
    /// The Rust names (`sort` and `sort_unstable` share a row).
    pub names: &'static [&'static str],
    /// The argument types, after the receiver.
    pub args: &'static [T],
    /// The return type.
    pub ret: T,
}

/// A receiver type pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recv {
    /// `String` / `&str` (and `char`, a one-char string).
    Str,
    /// Every integer type.
    Int,
    /// `f64`.
    Float,
    /// Every integer type and `f64`.
    Number,
    /// `Vec<T>`, any `T`.
    Vec,
    /// `Vec<T>` of an integer type.
    VecInt,
    /// `Vec<String>`.
    VecStr,
    /// `HashMap<String, T>`.
    Map,
    /// `Option<T>` of an integer type, `String` or `bool`.
    OptionScalar,
}

impl Recv {
    /// True when a receiver of type `t` matches.
    pub fn matches(self, t: &Ty) -> bool {
        match (self, t) {
            (Recv::Str, Ty::Str) | (Recv::Float, Ty::Float) | (Recv::Vec, Ty::Vec(_)) | (Recv::Map, Ty::Map(_)) => true,
            (Recv::Int, t) => t.is_int(),
            (Recv::Number, t) => t.is_int() || *t == Ty::Float,
            (Recv::VecInt, Ty::Vec(e)) => e.is_int(),
            (Recv::VecStr, Ty::Vec(e)) => **e == Ty::Str,
            (Recv::OptionScalar, Ty::Option(e)) => matches!(**e, Ty::Int | Ty::IntN(_) | Ty::Str | Ty::Bool),
            _ => false,
        }
    }
}

/// A type of an argument or of the result, possibly in terms of the receiver's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum T {
    /// `String`.
    Str,
    /// `bool`.
    Bool,
    /// `()`.
    Unit,
    /// `f64`.
    Float,
    /// An integer type other than `i64` (`usize` for lengths and indices).
    IntN(IntTy),
    /// The receiver's type.
    Recv,
    /// The receiver's element type: of a `Vec`, of a map's values, of an `Option`.
    Elem,
    /// `Option<T>`.
    Option(&'static T),
    /// `Vec<T>`.
    Vec(&'static T),
    /// `(A, B)`.
    Pair(&'static T, &'static T),
}

/// `usize`: lengths, indices, counts and positions.
pub(crate) const USIZE: T = T::IntN(IntTy::Usize);

impl T {
    /// The type, for a receiver of type `recv`.
    pub fn resolve(self, recv: &Ty) -> Ty {
        match self {
            T::Str => Ty::Str,
            T::Bool => Ty::Bool,
            T::Unit => Ty::Unit,
            T::Float => Ty::Float,
            T::IntN(k) => Ty::IntN(k),
            T::Recv => recv.clone(),
            T::Elem => match recv {
                Ty::Vec(t) | Ty::Map(t) | Ty::Option(t) => (**t).clone(),
                // The receiver patterns of the rows that use `Elem` hold elements.
                other => other.clone(),
            },
            T::Option(t) => t.resolve(recv).option(),
            T::Vec(t) => Ty::Vec(Box::new(t.resolve(recv))),
            T::Pair(a, b) => Ty::Tuple(vec![a.resolve(recv), b.resolve(recv)]),
        }
    }
}

/// What a call does besides computing its value, and what lowering refuses.
pub(crate) type Flags = u8;
/// No flag.
pub(crate) const NONE: Flags = 0;
/// It changes its receiver in place.
pub(crate) const CHANGES: Flags = 1;
/// Refused unless the receiver is a `let mut` variable.
pub(crate) const LET_MUT: Flags = 1 << 1;
/// Refused on a `Vec<Option<T>>` (inside a Vec, `None` is stored as `false`).
pub(crate) const NO_OPTION_ELEMS: Flags = 1 << 2;
/// No effect, and no error but an integer beyond ±(2^53 − 1): whether a closure made of
/// such calls runs once more than in Rust cannot be told.
pub(crate) const QUIET: Flags = 1 << 3;
/// It only reads (compares, or copies itself) all its arguments: none needs a copy.
pub(crate) const ARGS_READ: Flags = 1 << 4;
/// It only reads its first argument after the receiver (an index or a key).
pub(crate) const KEY_READ: Flags = 1 << 5;

/// How the operands are passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operands {
    /// As they come.
    AsIs,
    /// Each one that is not trivial saved in a local first.
    Locals,
}

/// How a method is emitted, given the Lua values of its operands (receiver first).
#[derive(Clone, Copy)]
pub(crate) enum Emit {
    /// `a op b`.
    Op(LB),
    /// `#a`.
    Len,
    /// `f(a, b, ..)`: a function of Lua's library.
    Call(&'static str, Operands),
    /// `redlua_x(a, b, ..)`: a helper, which joins the chunk.
    Helper(Helper, Operands),
    /// `redlua_x(a, .., k1, k2)`: a helper, with constant flags after the operands.
    HelperWith(Helper, &'static [bool]),
    /// `string.find(c, '^%d$') ~= nil`: a char (a one-char string) of an ASCII class of
    /// Lua's patterns (ASCII-only in the C locale; a multi-byte char never matches).
    Class(&'static str),
    /// Anything else: a function of this file.
    Custom(fn(&mut Cx<'_>) -> L),
}

impl std::fmt::Debug for Emit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Emit::Op(op) => write!(f, "Op({op:?})"),
            Emit::Len => write!(f, "Len"),
            Emit::Call(name, o) => write!(f, "Call({name:?}, {o:?})"),
            Emit::Helper(h, o) => write!(f, "Helper({h:?}, {o:?})"),
            Emit::HelperWith(h, k) => write!(f, "HelperWith({h:?}, {k:?})"),
            Emit::Class(c) => write!(f, "Class({c:?})"),
            Emit::Custom(_) => write!(f, "Custom"),
        }
    }
}

/// One builtin method.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    /// Its name in the IR.
    pub id: Method,
    /// How Rust calls it; `None` for a method that lowering builds for another construct.
    pub sig: Option<Sig>,
    /// Its flags.
    pub flags: Flags,
    /// How it is emitted.
    pub emit: Emit,
}

impl Row {
    /// True when the row has all of `flags`.
    pub fn has(&self, flags: Flags) -> bool {
        self.flags & flags == flags
    }
}

/// A method called by name: `recv.name(args)`.
const fn rust(recv: Recv, names: &'static [&'static str], args: &'static [T], ret: T) -> Option<Sig> {
    Some(Sig { recv, names, args, ret })
}

/// A method that lowering builds for another construct (no Rust name).
const fn built() -> Option<Sig> {
    None
}

/// Defines [`Method`] and the table, in the same order: every method has its row.
macro_rules! builtins {
    ($( $(#[$attr:meta])* $id:ident: $sig:expr, $flags:expr, $emit:expr; )*) => {
        /// A builtin method: the identifier of its row (see the module docs).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Method {
            $( $(#[$attr])* $id, )*
        }

        /// The table, in the order of [`Method`].
        static ROWS: &[Row] = &[ $( Row { id: Method::$id, sig: $sig, flags: $flags, emit: $emit }, )* ];
    };
}

use Emit::{Call, Class, Custom, HelperWith, Len, Op};
use Operands::{AsIs, Locals};

builtins! {
    // Vec
    VecPush: rust(Recv::Vec, &["push"], &[T::Elem], T::Unit), CHANGES | LET_MUT | NO_OPTION_ELEMS, Call("table.insert", Locals);
    VecPop: rust(Recv::Vec, &["pop"], &[], T::Option(&T::Elem)), CHANGES | NO_OPTION_ELEMS, Call("table.remove", Locals);
    VecLen: rust(Recv::Vec, &["len"], &[], USIZE), QUIET, Len;
    VecIsEmpty: rust(Recv::Vec, &["is_empty"], &[], T::Bool), QUIET, Custom(vec_is_empty);
    VecContains: rust(Recv::Vec, &["contains"], &[T::Elem], T::Bool), QUIET | NO_OPTION_ELEMS | ARGS_READ, Emit::Helper(Helper::Contains, Locals);
    VecSum: rust(Recv::VecInt, &["sum"], &[], T::Elem), NO_OPTION_ELEMS, Custom(vec_sum);
    /// Also `v.clone()` / `v.to_vec()` of plain elements: `extend` of a new table.
    VecExtend: rust(Recv::Vec, &["extend"], &[T::Recv], T::Unit), CHANGES | LET_MUT | NO_OPTION_ELEMS, Emit::Helper(Helper::Extend, Locals);
    /// `sort()` / `sort_unstable()` of integers: equal integers cannot be told apart, so
    /// an unstable sort gives the same Vec as Rust's stable one.
    VecSortInt: rust(Recv::VecInt, &["sort", "sort_unstable"], &[], T::Unit), CHANGES | LET_MUT, Call("table.sort", Locals);
    /// `sort()` / `sort_unstable()` of strings, byte-wise.
    VecSortStr: rust(Recv::VecStr, &["sort", "sort_unstable"], &[], T::Unit), CHANGES | LET_MUT, Emit::Helper(Helper::SortStr, Locals);
    VecReverse: rust(Recv::Vec, &["reverse"], &[], T::Unit), CHANGES | LET_MUT, Emit::Helper(Helper::Reverse, Locals);
    VecJoin: rust(Recv::VecStr, &["join"], &[T::Str], T::Str), QUIET, Call("table.concat", Locals);
    VecFirst: rust(Recv::Vec, &["first"], &[], T::Option(&T::Elem)), QUIET | NO_OPTION_ELEMS, Custom(vec_first);
    VecLast: rust(Recv::Vec, &["last"], &[], T::Option(&T::Elem)), QUIET | NO_OPTION_ELEMS, Custom(vec_last);
    VecInsert: rust(Recv::Vec, &["insert"], &[USIZE, T::Elem], T::Unit), CHANGES | LET_MUT | NO_OPTION_ELEMS | KEY_READ, Emit::Helper(Helper::VecInsert, Locals);
    VecRemove: rust(Recv::Vec, &["remove"], &[USIZE], T::Elem), CHANGES | LET_MUT | NO_OPTION_ELEMS, Emit::Helper(Helper::VecRemove, Locals);
    VecTruncate: rust(Recv::Vec, &["truncate"], &[USIZE], T::Unit), CHANGES | LET_MUT, Emit::Helper(Helper::Truncate, Locals);
    /// `v.dedup()`: equal by value (`==`), as Rust's `PartialEq` (a NaN is kept).
    VecDedup: rust(Recv::Vec, &["dedup"], &[], T::Unit), CHANGES | LET_MUT | NO_OPTION_ELEMS, Emit::Helper(Helper::Dedup, Locals);
    /// `v.sort_by_key(f)`: the Vec, the key closure, and whether the keys are strings.
    VecSortByKey: built(), CHANGES, Emit::Helper(Helper::SortByKey, AsIs);
    /// `v.retain(f)`.
    VecRetain: built(), CHANGES, Emit::Helper(Helper::Retain, AsIs);
    /// `vec![x; n]`.
    VecFill: built(), ARGS_READ, Emit::Helper(Helper::Fill, AsIs);

    // HashMap<String, T>
    /// `map.insert(k, v)` (lowered apart: it gives an untyped map its type).
    MapInsert: built(), CHANGES | KEY_READ, Emit::Helper(Helper::MapInsert, AsIs);
    MapGet: rust(Recv::Map, &["get"], &[T::Str], T::Option(&T::Elem)), QUIET, Custom(map_get);
    MapContains: rust(Recv::Map, &["contains_key"], &[T::Str], T::Bool), QUIET, Custom(map_contains);
    MapRemove: rust(Recv::Map, &["remove"], &[T::Str], T::Option(&T::Elem)), CHANGES | LET_MUT, Emit::Helper(Helper::MapRemove, AsIs);
    MapLen: rust(Recv::Map, &["len"], &[], USIZE), QUIET, Emit::Helper(Helper::MapLen, AsIs);
    MapIsEmpty: rust(Recv::Map, &["is_empty"], &[], T::Bool), QUIET, Custom(map_is_empty);
    /// `map.keys()` / `map.values()`, as a Vec (in the table's order).
    MapKeys: rust(Recv::Map, &["keys"], &[], T::Vec(&T::Str)), QUIET, Emit::Helper(Helper::MapKeys, AsIs);
    MapValues: rust(Recv::Map, &["values"], &[], T::Vec(&T::Elem)), QUIET, Emit::Helper(Helper::MapValues, AsIs);

    // Copies
    /// A copy sharing no table with the original (`clone` of a struct, a map, a Vec of tables).
    DeepCopy: built(), QUIET | ARGS_READ, Emit::Helper(Helper::DeepCopy, AsIs);
    /// `opt.cloned()` of an option holding a table (Vec, map, struct, tuple): a copy.
    OptionDeepCopy: built(), QUIET | ARGS_READ, Custom(option_deep_copy);

    // str
    StrLen: rust(Recv::Str, &["len"], &[], USIZE), QUIET, Len;
    StrIsEmpty: rust(Recv::Str, &["is_empty"], &[], T::Bool), QUIET, Custom(str_is_empty);
    StrStartsWith: rust(Recv::Str, &["starts_with"], &[T::Str], T::Bool), QUIET, Custom(str_starts_with);
    StrEndsWith: rust(Recv::Str, &["ends_with"], &[T::Str], T::Bool), QUIET, Custom(str_ends_with);
    StrContains: rust(Recv::Str, &["contains"], &[T::Str], T::Bool), QUIET, Custom(str_contains);
    /// Unicode whitespace, as Rust trims.
    StrTrim: rust(Recv::Str, &["trim"], &[], T::Str), QUIET, HelperWith(Helper::Trim, &[true, true]);
    StrTrimStart: rust(Recv::Str, &["trim_start"], &[], T::Str), QUIET, HelperWith(Helper::Trim, &[true, false]);
    StrTrimEnd: rust(Recv::Str, &["trim_end"], &[], T::Str), QUIET, HelperWith(Helper::Trim, &[false, true]);
    /// ASCII only, like Rust's `to_ascii_*`; `string.upper` would follow the C locale.
    StrAsciiUpper: rust(Recv::Str, &["to_ascii_uppercase"], &[], T::Str), QUIET, Custom(str_ascii_upper);
    StrAsciiLower: rust(Recv::Str, &["to_ascii_lowercase"], &[], T::Str), QUIET, Custom(str_ascii_lower);
    StrEqIgnoreAsciiCase: rust(Recv::Str, &["eq_ignore_ascii_case"], &[T::Str], T::Bool), QUIET, Emit::Helper(Helper::EqIgnoreAsciiCase, AsIs);
    StrReplace: rust(Recv::Str, &["replace"], &[T::Str, T::Str], T::Str), QUIET, Emit::Helper(Helper::Replace, AsIs);
    StrRepeat: rust(Recv::Str, &["repeat"], &[USIZE], T::Str), NONE, Emit::Helper(Helper::Repeat, AsIs);
    StrFind: rust(Recv::Str, &["find"], &[T::Str], T::Option(&USIZE)), QUIET, Emit::Helper(Helper::Find, AsIs);
    StrRfind: rust(Recv::Str, &["rfind"], &[T::Str], T::Option(&USIZE)), QUIET, Emit::Helper(Helper::Rfind, AsIs);
    StrSplitOnce: rust(Recv::Str, &["split_once"], &[T::Str], T::Option(&T::Pair(&T::Str, &T::Str))), QUIET, Emit::Helper(Helper::SplitOnce, AsIs);
    StrRsplitOnce: rust(Recv::Str, &["rsplit_once"], &[T::Str], T::Option(&T::Pair(&T::Str, &T::Str))), QUIET, Emit::Helper(Helper::RsplitOnce, AsIs);
    StrStripPrefix: rust(Recv::Str, &["strip_prefix"], &[T::Str], T::Option(&T::Str)), QUIET, Emit::Helper(Helper::StripPrefix, AsIs);
    StrStripSuffix: rust(Recv::Str, &["strip_suffix"], &[T::Str], T::Option(&T::Str)), QUIET, Emit::Helper(Helper::StripSuffix, AsIs);
    StrTrimStartMatches: rust(Recv::Str, &["trim_start_matches"], &[T::Str], T::Str), QUIET, Emit::Helper(Helper::TrimStartMatches, AsIs);
    StrTrimEndMatches: rust(Recv::Str, &["trim_end_matches"], &[T::Str], T::Str), QUIET, Emit::Helper(Helper::TrimEndMatches, AsIs);
    StrIsCharBoundary: rust(Recv::Str, &["is_char_boundary"], &[USIZE], T::Bool), QUIET, Emit::Helper(Helper::CharBoundary, AsIs);
    /// `a + &b`, `format!`, `push_str`, `key.derive(..)`.
    StrConcat: built(), QUIET, Op(LB::Concat);
    /// `&s[a..b]` (the end may be nil: `&s[a..]`).
    StrSlice: built(), NONE, Emit::Helper(Helper::StrSlice, AsIs);
    /// `s.lines()`, as a Vec.
    StrLines: built(), QUIET, Emit::Helper(Helper::Lines, AsIs);
    /// `s.chars()`, as a Vec of one-char strings.
    StrChars: built(), QUIET, Emit::Helper(Helper::Chars, AsIs);
    /// `s.splitn(n, sep)`, as a Vec.
    StrSplitN: built(), QUIET, Emit::Helper(Helper::SplitN, AsIs);
    /// `s.chars().count()`: the bytes that do not continue a UTF-8 sequence.
    StrCharCount: built(), QUIET, Custom(str_char_count);
    /// A `format!` width: the text, width, align (`<`, `>`, `^`), fill, zero padding.
    StrPad: built(), QUIET, Emit::Helper(Helper::Pad, AsIs);
    /// `s.parse::<i64>()`.
    ParseInt: built(), QUIET, Emit::Helper(Helper::ParseIntChecked, AsIs);
    /// `s.parse::<f64>()`.
    ParseFloat: built(), QUIET, Emit::Helper(Helper::ParseFloat, AsIs);

    // char (a one-char string)
    CharIsAsciiDigit: rust(Recv::Str, &["is_ascii_digit"], &[], T::Bool), QUIET, Class("%d");
    CharIsAsciiAlphabetic: rust(Recv::Str, &["is_ascii_alphabetic"], &[], T::Bool), QUIET, Class("%a");
    CharIsAsciiAlphanumeric: rust(Recv::Str, &["is_ascii_alphanumeric"], &[], T::Bool), QUIET, Class("%w");
    CharIsAsciiUppercase: rust(Recv::Str, &["is_ascii_uppercase"], &[], T::Bool), QUIET, Class("%u");
    CharIsAsciiLowercase: rust(Recv::Str, &["is_ascii_lowercase"], &[], T::Bool), QUIET, Class("%l");
    CharIsAsciiPunctuation: rust(Recv::Str, &["is_ascii_punctuation"], &[], T::Bool), QUIET, Class("%p");
    CharIsAsciiHexdigit: rust(Recv::Str, &["is_ascii_hexdigit"], &[], T::Bool), QUIET, Class("%x");

    // Integers (every integer type: the receiver's type for the operand and the result)
    IntRemEuclid: rust(Recv::Int, &["rem_euclid"], &[T::Recv], T::Recv), NONE, Custom(int_rem_euclid);
    IntDivEuclid: rust(Recv::Int, &["div_euclid"], &[T::Recv], T::Recv), NONE, Custom(int_div_euclid);
    IntSignum: rust(Recv::Int, &["signum"], &[], T::Recv), QUIET, Custom(int_signum);
    IntCheckedDiv: rust(Recv::Int, &["checked_div"], &[T::Recv], T::Option(&T::Recv)), QUIET, Custom(int_checked_div);
    IntCheckedRem: rust(Recv::Int, &["checked_rem"], &[T::Recv], T::Option(&T::Recv)), QUIET, Custom(int_checked_rem);
    IntCheckedAdd: rust(Recv::Int, &["checked_add"], &[T::Recv], T::Option(&T::Recv)), QUIET, Custom(int_checked_add);
    IntCheckedSub: rust(Recv::Int, &["checked_sub"], &[T::Recv], T::Option(&T::Recv)), QUIET, Custom(int_checked_sub);
    IntCheckedMul: rust(Recv::Int, &["checked_mul"], &[T::Recv], T::Option(&T::Recv)), QUIET, Custom(int_checked_mul);
    IntMin: rust(Recv::Int, &["min"], &[T::Recv], T::Recv), QUIET, Call("math.min", AsIs);
    IntMax: rust(Recv::Int, &["max"], &[T::Recv], T::Recv), QUIET, Call("math.max", AsIs);
    IntAbs: rust(Recv::Int, &["abs"], &[], T::Recv), QUIET, Custom(int_abs);
    IntPow: rust(Recv::Int, &["pow"], &[T::IntN(IntTy::U32)], T::Recv), NONE, Custom(int_pow);
    /// `n as u64` / `as usize` of a signed number: the number and the bounds it must be
    /// within (a negative one would wrap beyond 2^53 - 1).
    IntCast: built(), NONE, Emit::Helper(Helper::IntCast, AsIs);
    /// `n as u8` (and the other types of 8 to 32 bits): the number, the width, signed.
    IntWrap: built(), QUIET, Emit::Helper(Helper::Wrap, AsIs);

    // f64
    FloatFloor: rust(Recv::Float, &["floor"], &[], T::Float), QUIET, Call("math.floor", AsIs);
    FloatCeil: rust(Recv::Float, &["ceil"], &[], T::Float), QUIET, Call("math.ceil", AsIs);
    /// Half away from zero.
    FloatRound: rust(Recv::Float, &["round"], &[], T::Float), QUIET, Emit::Helper(Helper::Round, AsIs);
    FloatTrunc: rust(Recv::Float, &["trunc"], &[], T::Float), QUIET, Custom(float_trunc);
    FloatAbs: rust(Recv::Float, &["abs"], &[], T::Float), QUIET, Call("math.abs", AsIs);
    FloatSqrt: rust(Recv::Float, &["sqrt"], &[], T::Float), QUIET, Call("math.sqrt", AsIs);
    FloatMin: rust(Recv::Float, &["min"], &[T::Float], T::Float), QUIET, Emit::Helper(Helper::FloatMin, AsIs);
    FloatMax: rust(Recv::Float, &["max"], &[T::Float], T::Float), QUIET, Emit::Helper(Helper::FloatMax, AsIs);
    FloatPow: rust(Recv::Float, &["powf"], &[T::Float], T::Float), QUIET, Op(LB::Pow);
    FloatPowi: rust(Recv::Float, &["powi"], &[T::IntN(IntTy::I32)], T::Float), QUIET, Emit::Helper(Helper::FloatPowi, AsIs);
    FloatIsNan: rust(Recv::Float, &["is_nan"], &[], T::Bool), QUIET, Custom(float_is_nan);
    /// `x as i64` (one operand), or `x as u8` and the other types (the float and the
    /// type's bounds within ±(2^53 - 1)).
    FloatToInt: built(), NONE, Custom(float_to_int);
    /// `b.to_string()` and `{}` / `{:?}` of a bool: `true` / `false`, as Lua's `tostring`.
    BoolToString: built(), QUIET, Call("tostring", AsIs);
    /// `x.to_string()` and `{}` of a float: Rust's text.
    FloatToString: built(), QUIET, Emit::Helper(Helper::FmtFloat, AsIs);
    /// `format!("{:.N}", x)`: the float with N decimals.
    FloatFixed: built(), QUIET, Emit::Helper(Helper::FmtFixed, AsIs);

    // Numbers (every integer type and f64)
    /// `x.clamp(lo, hi)`: Rust panics unless `lo <= hi` (a NaN bound fails too); a NaN
    /// `x` stays NaN.
    NumClamp: rust(Recv::Number, &["clamp"], &[T::Recv, T::Recv], T::Recv), NONE, Emit::Helper(Helper::Clamp, AsIs);

    // Option
    OptionUnwrapOrDefault: rust(Recv::OptionScalar, &["unwrap_or_default"], &[], T::Elem), QUIET, Custom(option_unwrap_or_default);
    /// `opt.unwrap()` / `opt.expect(msg)`: the option and the panic's message with the
    /// Rust location; an error when it is `None`.
    OptionUnwrap: built(), NONE, Emit::Helper(Helper::Unwrap, AsIs);

    // Vec
    /// `&v[a..b]` (also `a..`, `..b`, `a..=b`): a new array of the elements, an error
    /// where Rust panics.
    VecSlice: built(), NONE, Emit::Helper(Helper::VecSlice, AsIs);
}

impl Method {
    /// The method's row.
    pub(crate) fn row(self) -> &'static Row {
        // The table is in the order of the enum, one row per method (see `builtins!`).
        &ROWS[self as usize]
    }
}

/// A row of the table as plain data, for tools outside the compiler: the generator of
/// the method matrix (`compiler/gen/method_matrix.rs`) reads it. Not a stable API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowInfo {
    /// The row's identifier (`VecPush`).
    pub id: String,
    /// The receiver pattern (`Str`, `Int`, `Float`, `Number`, `Vec`, `VecInt`, `VecStr`,
    /// `Map`, `OptionScalar`); `None` for a row without a Rust name (`built`).
    pub recv: Option<String>,
    /// The Rust names.
    pub names: Vec<&'static str>,
    /// The argument types after the receiver, as Rust types in which `Recv` stands for
    /// the receiver's type and `Elem` for its element type (`Option<Elem>`, `usize`).
    pub args: Vec<String>,
    /// The return type, written the same way.
    pub ret: String,
    /// It changes its receiver in place.
    pub changes: bool,
    /// It is refused unless the receiver is a `let mut` variable.
    pub let_mut: bool,
}

impl T {
    /// The type as Rust text, `Recv` and `Elem` left as they are.
    fn text(self) -> String {
        match self {
            T::Str => "String".into(),
            T::Bool => "bool".into(),
            T::Unit => "()".into(),
            T::Float => "f64".into(),
            T::IntN(k) => k.name().into(),
            T::Recv => "Recv".into(),
            T::Elem => "Elem".into(),
            T::Option(t) => format!("Option<{}>", t.text()),
            T::Vec(t) => format!("Vec<{}>", t.text()),
            T::Pair(a, b) => format!("({}, {})", a.text(), b.text()),
        }
    }
}

/// Every row of the table, in its order, as plain data.
pub fn rows() -> Vec<RowInfo> {
    ROWS.iter()
        .map(|r| RowInfo {
            id: format!("{:?}", r.id),
            recv: r.sig.map(|s| format!("{:?}", s.recv)),
            names: r.sig.map(|s| s.names.to_vec()).unwrap_or_default(),
            args: r.sig.map(|s| s.args.iter().map(|a| a.text()).collect()).unwrap_or_default(),
            ret: r.sig.map(|s| s.ret.text()).unwrap_or_default(),
            changes: r.has(CHANGES),
            let_mut: r.has(LET_MUT),
        })
        .collect()
}

/// The row of `recv.name(..)` with `argc` arguments, when one applies to a receiver of
/// type `recv`.
pub(crate) fn find(recv: &Ty, name: &str, argc: usize) -> Option<(&'static Row, &'static Sig)> {
    ROWS.iter().find_map(|r| r.sig.as_ref().filter(|s| s.args.len() == argc && s.names.contains(&name) && s.recv.matches(recv)).map(|s| (r, s)))
}

/// What an emitter may ask of the code generator.
pub(crate) trait Emitter {
    /// A call of a helper, which joins the chunk.
    fn helper(&mut self, h: Helper, args: Vec<L>) -> L;
    /// The name of a helper (passed as a value), which joins the chunk.
    fn helper_ref(&mut self, h: Helper) -> L;
    /// `v` saved in a new local, before the statements to come: the local.
    fn spill(&mut self, v: L) -> L;
}

/// A call being emitted.
pub(crate) struct Cx<'a> {
    /// The types of the operands in the IR (receiver first).
    pub tys: &'a [Ty],
    /// Their Lua values, evaluated left to right.
    pub v: Vec<L>,
    /// The code generator.
    pub gen: &'a mut dyn Emitter,
}

impl Cx<'_> {
    /// Operand `i`, saved in a local first when it is not trivial (used twice).
    pub fn once(&mut self, i: usize) -> L {
        if !self.v[i].is_trivial() {
            self.v[i] = self.gen.spill(self.v[i].clone());
        }
        self.v[i].clone()
    }

    /// A call of a helper.
    pub fn helper(&mut self, h: Helper, args: Vec<L>) -> L {
        self.gen.helper(h, args)
    }

    /// The integer type of the receiver, when it has its own bounds (not `i64`).
    fn narrow(&self) -> Option<IntTy> {
        self.tys.first().and_then(narrow)
    }
}

/// Emits the call of `row` in `cx`.
pub(crate) fn emit(row: &Row, cx: &mut Cx<'_>) -> L {
    let all = |cx: &mut Cx<'_>, how: Operands| -> Vec<L> {
        match how {
            AsIs => cx.v.clone(),
            Locals => (0..cx.v.len()).map(|i| cx.once(i)).collect(),
        }
    };
    match row.emit {
        Op(op) => L::bin(op, cx.v[0].clone(), cx.v[1].clone()),
        Len => L::un(LU::Len, cx.once(0)),
        Call(f, how) => {
            let args = all(cx, how);
            L::call(f, args)
        }
        Emit::Helper(h, how) => {
            let args = all(cx, how);
            cx.helper(h, args)
        }
        HelperWith(h, flags) => {
            let mut args = cx.v.clone();
            args.extend(flags.iter().map(|b| L::Bool(*b)));
            cx.helper(h, args)
        }
        Class(class) => L::bin(LB::Ne, L::call("string.find", vec![cx.v[0].clone(), L::str(format!("^{class}$"))]), L::Nil),
        Custom(f) => f(cx),
    }
}

// The emitters of the rows whose Lua is not one call.

fn vec_is_empty(cx: &mut Cx<'_>) -> L {
    L::bin(LB::Eq, L::un(LU::Len, cx.once(0)), L::int(0))
}

fn vec_sum(cx: &mut Cx<'_>) -> L {
    if let Some(k) = cx.tys.first().and_then(|t| if let Ty::Vec(t) = t { narrow(t) } else { None }) {
        let (lo, hi) = k.lua_bounds();
        return cx.helper(Helper::SumIn, vec![cx.v[0].clone(), L::int(lo), L::int(hi)]);
    }
    let t = cx.once(0);
    cx.helper(Helper::Sum, vec![t])
}

fn vec_first(cx: &mut Cx<'_>) -> L {
    L::index(cx.once(0), L::int(1))
}

fn vec_last(cx: &mut Cx<'_>) -> L {
    let t = cx.once(0);
    L::index(t.clone(), L::un(LU::Len, t))
}

fn map_get(cx: &mut Cx<'_>) -> L {
    L::index(cx.v[0].clone(), cx.v[1].clone())
}

fn map_contains(cx: &mut Cx<'_>) -> L {
    L::bin(LB::Ne, L::index(cx.v[0].clone(), cx.v[1].clone()), L::Nil)
}

fn map_is_empty(cx: &mut Cx<'_>) -> L {
    L::bin(LB::Eq, L::call("next", vec![cx.v[0].clone()]), L::Nil)
}

fn option_deep_copy(cx: &mut Cx<'_>) -> L {
    let o = cx.once(0);
    let copy = cx.helper(Helper::DeepCopy, vec![o.clone()]);
    L::bin(LB::And, o, copy)
}

fn str_is_empty(cx: &mut Cx<'_>) -> L {
    L::bin(LB::Eq, cx.once(0), L::str(""))
}

fn str_starts_with(cx: &mut Cx<'_>) -> L {
    let (s, p) = (cx.once(0), cx.once(1));
    L::bin(LB::Eq, L::call("string.sub", vec![s, L::int(1), L::un(LU::Len, p.clone())]), p)
}

fn str_ends_with(cx: &mut Cx<'_>) -> L {
    let (s, p) = (cx.once(0), cx.once(1));
    let tail = L::call("string.sub", vec![s, L::un(LU::Neg, L::un(LU::Len, p.clone()))]);
    L::bin(LB::Or, L::bin(LB::Eq, p.clone(), L::str("")), L::bin(LB::Eq, tail, p))
}

fn str_contains(cx: &mut Cx<'_>) -> L {
    let (s, p) = (cx.once(0), cx.once(1));
    L::bin(LB::Ne, L::call("string.find", vec![s, p, L::int(1), L::Bool(true)]), L::Nil)
}

fn str_ascii_upper(cx: &mut Cx<'_>) -> L {
    L::call("string.gsub", vec![cx.v[0].clone(), L::str("%l"), L::Table(vec![], ascii_case_table(true))]).first()
}

fn str_ascii_lower(cx: &mut Cx<'_>) -> L {
    L::call("string.gsub", vec![cx.v[0].clone(), L::str("%u"), L::Table(vec![], ascii_case_table(false))]).first()
}

/// `{ a = 'A', .. }`: the ASCII case mapping for `string.gsub`.
fn ascii_case_table(upper: bool) -> Vec<(String, L)> {
    (b'a'..=b'z')
        .map(|c| {
            let (from, to) = if upper { (c, c.to_ascii_uppercase()) } else { (c.to_ascii_uppercase(), c) };
            ((from as char).to_string(), L::str([to]))
        })
        .collect()
}

fn str_char_count(cx: &mut Cx<'_>) -> L {
    L::call("select", vec![L::int(2), L::call("string.gsub", vec![cx.v[0].clone(), L::Str(vec![b'[', b'^', 0x80, b'-', 0xBF, b']']), L::str("")])])
}

/// `rem_euclid` / `div_euclid` (helper `h`): of a signed type other than i64, through
/// `redlua_div_in`, which refuses `MIN` by `-1`.
fn euclid(cx: &mut Cx<'_>, h: Helper) -> L {
    if let Some(k) = cx.narrow().filter(|k| k.signed()) {
        let (lo, _) = k.lua_bounds();
        let f = cx.gen.helper_ref(h);
        return cx.helper(Helper::DivIn, vec![cx.v[0].clone(), cx.v[1].clone(), L::int(lo), f]);
    }
    let v = cx.v.clone();
    cx.helper(h, v)
}

fn int_rem_euclid(cx: &mut Cx<'_>) -> L {
    euclid(cx, Helper::RemEuclid)
}

fn int_div_euclid(cx: &mut Cx<'_>) -> L {
    euclid(cx, Helper::DivEuclid)
}

fn int_signum(cx: &mut Cx<'_>) -> L {
    let a = cx.once(0);
    let pos = L::bin(LB::And, L::bin(LB::Gt, a.clone(), L::int(0)), L::int(1));
    let neg = L::bin(LB::And, L::bin(LB::Lt, a, L::int(0)), L::int(-1));
    L::Paren(Box::new(L::bin(LB::Or, L::bin(LB::Or, pos, neg), L::int(0))))
}

/// `checked_div` / `checked_rem` (helper `h`).
fn checked_div_rem(cx: &mut Cx<'_>, h: Helper) -> L {
    let signed = cx.narrow().filter(|k| k.signed());
    let (a, b) = (cx.once(0), cx.once(1));
    if let Some(k) = signed {
        let (lo, _) = k.lua_bounds();
        let q = cx.helper(h, vec![a.clone(), b.clone()]);
        // None for a zero divisor and for MIN / -1 (whose quotient does not fit).
        let fits = L::Paren(Box::new(L::bin(LB::Or, L::bin(LB::Ne, b.clone(), L::int(-1)), L::bin(LB::Ne, a, L::int(lo)))));
        let ok = L::bin(LB::And, L::bin(LB::Ne, b, L::int(0)), fits);
        return L::Paren(Box::new(L::bin(LB::Or, L::bin(LB::And, ok, q), L::Nil)));
    }
    let q = cx.helper(h, vec![a, b.clone()]);
    // `b ~= 0 and q or nil`: q may be 0, which Lua takes as true.
    L::Paren(Box::new(L::bin(LB::Or, L::bin(LB::And, L::bin(LB::Ne, b, L::int(0)), q), L::Nil)))
}

fn int_checked_div(cx: &mut Cx<'_>) -> L {
    checked_div_rem(cx, Helper::Div)
}

fn int_checked_rem(cx: &mut Cx<'_>) -> L {
    checked_div_rem(cx, Helper::Rem)
}

/// `checked_add` / `checked_sub` / `checked_mul` of a type other than i64: `None`
/// outside the type's bounds.
fn checked_in(cx: &mut Cx<'_>, k: IntTy, op: LB) -> L {
    let (tlo, thi) = k.bounds();
    if op != LB::Mul || k.exact() {
        return cx.helper(Helper::CheckedIn, vec![L::bin(op, cx.v[0].clone(), cx.v[1].clone()), L::int(tlo as i64), big_int(thi)]);
    }
    let (a, b) = (cx.once(0), cx.once(1));
    cx.helper(Helper::CheckedIn, vec![L::bin(op, a.clone(), b.clone()), L::int(tlo as i64), big_int(thi), a, b])
}

fn int_checked_add(cx: &mut Cx<'_>) -> L {
    if let Some(k) = cx.narrow() {
        return checked_in(cx, k, LB::Add);
    }
    cx.helper(Helper::Int, vec![L::bin(LB::Add, cx.v[0].clone(), cx.v[1].clone())])
}

fn int_checked_sub(cx: &mut Cx<'_>) -> L {
    if let Some(k) = cx.narrow() {
        return checked_in(cx, k, LB::Sub);
    }
    cx.helper(Helper::Int, vec![L::bin(LB::Sub, cx.v[0].clone(), cx.v[1].clone())])
}

fn int_checked_mul(cx: &mut Cx<'_>) -> L {
    if let Some(k) = cx.narrow() {
        return checked_in(cx, k, LB::Mul);
    }
    let v = cx.v.clone();
    cx.helper(Helper::CheckedMul, v)
}

fn int_abs(cx: &mut Cx<'_>) -> L {
    let a = L::call("math.abs", cx.v.clone());
    match cx.narrow() {
        Some(k) => {
            let (lo, hi) = k.lua_bounds();
            cx.helper(Helper::IntIn, vec![a, L::int(lo), L::int(hi)])
        }
        None => a,
    }
}

fn int_pow(cx: &mut Cx<'_>) -> L {
    let v = cx.v.clone();
    let p = cx.helper(Helper::Pow, v);
    match cx.narrow() {
        Some(k) => {
            let (lo, hi) = k.lua_bounds();
            cx.helper(Helper::IntIn, vec![p, L::int(lo), L::int(hi)])
        }
        None => p,
    }
}

fn float_trunc(cx: &mut Cx<'_>) -> L {
    let x = cx.once(0);
    // floor toward zero, keeping NaN and infinities
    L::bin(LB::Or, L::bin(LB::And, L::bin(LB::Ge, x.clone(), L::int(0)), L::call("math.floor", vec![x.clone()])), L::call("math.ceil", vec![x]))
}

fn float_is_nan(cx: &mut Cx<'_>) -> L {
    let x = cx.once(0);
    L::bin(LB::Ne, x.clone(), x)
}

fn float_to_int(cx: &mut Cx<'_>) -> L {
    let v = cx.v.clone();
    if cx.tys.len() == 3 {
        cx.helper(Helper::F2iIn, v)
    } else {
        cx.helper(Helper::FloatToInt, v)
    }
}

fn option_unwrap_or_default(cx: &mut Cx<'_>) -> L {
    let d = match &cx.tys[0] {
        Ty::Option(t) if t.is_int() => L::int(0),
        Ty::Option(t) if **t == Ty::Bool => L::Bool(false),
        _ => L::str(""),
    };
    L::bin(LB::Or, cx.v[0].clone(), d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_in_the_order_of_the_enum() {
        for (i, r) in ROWS.iter().enumerate() {
            assert_eq!(r.id as usize, i, "{:?}", r.id);
            assert_eq!(r.id.row().id, r.id);
        }
    }

    /// Receivers of every shape: no two rows answer the same call.
    #[test]
    fn no_two_rows_share_a_call() {
        let tys = [
            Ty::Str,
            Ty::Int,
            Ty::IntN(IntTy::U8),
            Ty::IntN(IntTy::Usize),
            Ty::Float,
            Ty::Bool,
            Ty::Vec(Box::new(Ty::Int)),
            Ty::Vec(Box::new(Ty::Str)),
            Ty::Vec(Box::new(Ty::Float)),
            Ty::Map(Box::new(Ty::Int)),
            Ty::Option(Box::new(Ty::Int)),
            Ty::Option(Box::new(Ty::Str)),
        ];
        for t in &tys {
            for r in ROWS {
                let Some(s) = r.sig else { continue };
                for name in s.names {
                    let n = ROWS.iter().filter(|o| o.sig.is_some_and(|o| o.names.contains(name) && o.args.len() == s.args.len() && o.recv.matches(t))).count();
                    assert!(n <= 1, "`{name}` on `{t}` has {n} rows");
                }
            }
        }
    }

    #[test]
    fn signatures_resolve_against_the_receiver() {
        let v = Ty::Vec(Box::new(Ty::IntN(IntTy::U8)));
        let row = find(&v, "pop", 0).map(|r| r.0.id);
        assert_eq!(row, Some(Method::VecPop));
        assert_eq!(T::Option(&T::Elem).resolve(&v), Ty::IntN(IntTy::U8).option());
        assert_eq!(find(&v, "sort_unstable", 0).map(|r| r.0.id), Some(Method::VecSortInt));
        assert_eq!(find(&Ty::Vec(Box::new(Ty::Float)), "sort", 0).map(|r| r.0.id), None);
        assert_eq!(find(&Ty::Str, "len", 1).map(|r| r.0.id), None);
        let u8_ty = Ty::IntN(IntTy::U8);
        let clamp = find(&u8_ty, "clamp", 2);
        assert_eq!(clamp.map(|(r, s)| (r.id, s.ret.resolve(&u8_ty))), Some((Method::NumClamp, u8_ty.clone())));
        assert_eq!(find(&Ty::Float, "clamp", 2).map(|(_, s)| s.args[0].resolve(&Ty::Float)), Some(Ty::Float));
        assert!(find(&Ty::Str, "clamp", 2).is_none());
        assert!(Method::VecPush.row().has(CHANGES | LET_MUT));
        assert!(!Method::VecPop.row().has(LET_MUT));
    }
}
