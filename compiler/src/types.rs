//! The types redlua understands, shared by the IR, the builtins table and codegen.

use std::fmt;

/// The largest integer Lua represents exactly, with its negation the smallest: ±(2^53 - 1).
pub const MAX_SAFE_INT: i64 = (1 << 53) - 1;

/// An integer type with its own rules in the Lua: every one but i64 and isize (the same
/// as i64 on 64-bit machines).
pub fn narrow(t: &Ty) -> Option<IntTy> {
    match t {
        Ty::IntN(IntTy::Isize) => None,
        Ty::IntN(k) => Some(*k),
        _ => None,
    }
}

/// The types redlua understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `i64` (exact in Lua only within ±(2^53 - 1): checked at run time).
    Int,
    /// The other integer types (`u8` .. `usize`, `isize`): the range, overflow, `!`, shift
    /// and cast rules of that type (see [`IntTy`]).
    IntN(IntTy),
    /// `f64`: a Lua number (both are IEEE doubles); formatted like Rust's `Display`
    /// whenever it becomes text (replies, command arguments, `to_string`).
    Float,
    /// `bool`.
    Bool,
    /// `String` / `&str`.
    Str,
    /// A Redis key (`Key`), passed in `KEYS`.
    Key,
    /// `Option<T>`: `nil` in Lua when `None`.
    Option(Box<Ty>),
    /// `Result<T, Reject>`: only in return position.
    Result(Box<Ty>),
    /// A rejection (`reject!(..)`).
    Reject,
    /// `()`.
    Unit,
    /// The type of `return`: never produces a value.
    Never,
    /// A reply of any shape, from `call!` (`redlua::Value`).
    Dyn,
    /// The outcome of `try_call!`: `Result<Value, String>`.
    CallResult,
    /// `Vec<T>`: a Lua array (1-based inside, 0-based in Rust); `T` is never `Option`.
    Vec(Box<Ty>),
    /// A tuple: a Lua array; replies become Redis arrays.
    Tuple(Vec<Ty>),
    /// A closure: parameter types and return type.
    Fn(Vec<Ty>, Box<Ty>),
    /// A plain struct of the library: a Lua array in field order; replies are arrays.
    Struct(Box<StructTy>),
    /// `HashMap<String, T>`: a Lua table keyed by string; replies are flat arrays.
    Map(Box<Ty>),
    /// A user enum of the library: a unit-only enum is its variant's name (a string); an
    /// enum with data is a table `{ 'Variant', field1, .. }` (see `lang/enums.rs`).
    Enum(Box<EnumTy>),
}

/// An integer type other than `i64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum IntTy {
    I8,
    I16,
    I32,
    Isize,
    U8,
    U16,
    U32,
    U64,
    Usize,
}

impl IntTy {
    /// The type named `name` (`"u32"`), if it is one.
    pub fn from_name(name: &str) -> Option<IntTy> {
        Some(match name {
            "i8" => IntTy::I8,
            "i16" => IntTy::I16,
            "i32" => IntTy::I32,
            "isize" => IntTy::Isize,
            "u8" => IntTy::U8,
            "u16" => IntTy::U16,
            "u32" => IntTy::U32,
            "u64" => IntTy::U64,
            "usize" => IntTy::Usize,
            _ => return None,
        })
    }

    /// The Rust name.
    pub fn name(self) -> &'static str {
        match self {
            IntTy::I8 => "i8",
            IntTy::I16 => "i16",
            IntTy::I32 => "i32",
            IntTy::Isize => "isize",
            IntTy::U8 => "u8",
            IntTy::U16 => "u16",
            IntTy::U32 => "u32",
            IntTy::U64 => "u64",
            IntTy::Usize => "usize",
        }
    }

    /// Width in bits (64 for `usize` and `isize`: redis servers and their clients are
    /// 64-bit).
    pub fn bits(self) -> u32 {
        match self {
            IntTy::I8 | IntTy::U8 => 8,
            IntTy::I16 | IntTy::U16 => 16,
            IntTy::I32 | IntTy::U32 => 32,
            IntTy::Isize | IntTy::U64 | IntTy::Usize => 64,
        }
    }

    /// Signed.
    pub fn signed(self) -> bool {
        matches!(self, IntTy::I8 | IntTy::I16 | IntTy::I32 | IntTy::Isize)
    }

    /// The type's true bounds.
    pub fn bounds(self) -> (i128, i128) {
        let b = self.bits();
        if self.signed() {
            (-(1i128 << (b - 1)), (1i128 << (b - 1)) - 1)
        } else {
            (0, (1i128 << b) - 1)
        }
    }

    /// The bounds of the values Lua holds exactly: the type's bounds, within ±(2^53 - 1).
    pub fn lua_bounds(self) -> (i64, i64) {
        let (lo, hi) = self.bounds();
        let m = MAX_SAFE_INT as i128;
        (lo.max(-m) as i64, hi.min(m) as i64)
    }

    /// True when the type's whole range is exact in Lua (8 to 32 bits).
    pub fn exact(self) -> bool {
        self.bits() <= 32
    }
}

/// A plain struct's name and fields, in declaration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructTy {
    /// The Rust name.
    pub name: String,
    /// `(field, type)` in declaration order.
    pub fields: Vec<(String, Ty)>,
    /// `#[derive(Record)]`: replies are hash-shaped (`field, value, ..`).
    pub record: bool,
    /// `#[derive(Json)]`: `json_decode::<T>` and `json_encode` read and write it.
    pub json: bool,
}

/// A user enum's name and variants, in declaration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumTy {
    /// The Rust name.
    pub name: String,
    /// The variants: name, fields (named for `V { a: T }`, unnamed for `V(T)`), and
    /// whether the fields are written in braces.
    pub variants: Vec<VariantTy>,
}

/// One variant of a user enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantTy {
    /// The variant's name.
    pub name: String,
    /// Its fields in declaration order (`None` names for a tuple variant).
    pub fields: Vec<(Option<String>, Ty)>,
    /// `V { .. }` rather than `V(..)` or `V`.
    pub braces: bool,
}

impl EnumTy {
    /// True when no variant holds data: values are the variant's name as a string.
    pub fn unit_only(&self) -> bool {
        self.variants.iter().all(|v| v.fields.is_empty() && !v.braces)
    }
}

impl Ty {
    /// `Option<self>`.
    pub fn option(self) -> Ty {
        Ty::Option(Box::new(self))
    }

    /// True when a value of `self` can be used where `want` is expected.
    pub fn fits(&self, want: &Ty) -> bool {
        match (self, want) {
            _ if self == want || *self == Ty::Never => true,
            (Ty::Vec(a), Ty::Vec(b)) | (Ty::Option(a), Ty::Option(b)) | (Ty::Map(a), Ty::Map(b)) => a.fits(b),
            (Ty::Tuple(a), Ty::Tuple(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.fits(y)),
            _ => false,
        }
    }

    /// True for types whose Lua value is never `false` or `nil` (so `x or y` is safe).
    pub fn always_truthy(&self) -> bool {
        matches!(self, Ty::Int | Ty::IntN(_) | Ty::Str | Ty::Key)
    }

    /// True for every integer type (`i64` and the others).
    pub fn is_int(&self) -> bool {
        matches!(self, Ty::Int | Ty::IntN(_))
    }

    /// The integer type other than `i64`, if `self` is one.
    pub fn int_n(&self) -> Option<IntTy> {
        match self {
            Ty::IntN(k) => Some(*k),
            _ => None,
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Int => f.write_str("i64"),
            Ty::IntN(k) => f.write_str(k.name()),
            Ty::Float => f.write_str("f64"),
            Ty::Bool => f.write_str("bool"),
            Ty::Str => f.write_str("String"),
            Ty::Key => f.write_str("Key"),
            Ty::Option(t) => write!(f, "Option<{t}>"),
            Ty::Result(t) => write!(f, "Result<{t}, Reject>"),
            Ty::Reject => f.write_str("Reject"),
            Ty::Unit => f.write_str("()"),
            Ty::Never => f.write_str("!"),
            Ty::Dyn => f.write_str("Value"),
            Ty::CallResult => f.write_str("Result<Value, String>"),
            Ty::Vec(t) => write!(f, "Vec<{t}>"),
            Ty::Tuple(ts) => {
                f.write_str("(")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                if ts.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            Ty::Struct(st) => f.write_str(&st.name),
            Ty::Enum(e) => f.write_str(&e.name),
            Ty::Map(t) => write!(f, "HashMap<String, {t}>"),
            Ty::Fn(ps, r) => {
                f.write_str("fn(")?;
                for (i, t) in ps.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                write!(f, ") -> {r}")
            }
        }
    }
}
