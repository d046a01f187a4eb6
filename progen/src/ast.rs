//! The generator's own program representation, and its printer to Rust source.
//!
//! Expressions are typed trees. Most constructs are *templates*: Rust text with holes for
//! typed sub-expressions (`\x01` a hole that is parenthesised when the sub-expression is not
//! atomic, `\x02` a hole printed as is). One generic shape keeps the printer and the shrinker
//! small: the shrinker replaces any sub-expression by a simpler one of the same type, or
//! deletes statements, without knowing each construct.

use std::fmt::Write as _;

/// A hole in a template whose expression is parenthesised unless atomic.
pub const HOLE: char = '\u{1}';
/// A hole printed as is (arguments, initialisers, statement positions).
pub const BARE: char = '\u{2}';
/// A method receiver: parenthesised unless atomic, and a numeric literal gets its type
/// suffix (`5i64.abs()`: rustc cannot call a method on an untyped literal).
pub const RECV: char = '\u{3}';
/// A hole printed as is whose numeric literals get their type suffix: positions where
/// rustc would otherwise default an integer to `i32` (tuple, `vec!` and `Some` elements,
/// closure results).
pub const PIN: char = '\u{4}';
/// A hole parenthesised unless atomic whose numeric literals get their type suffix
/// (operands of comparisons: `1i64 < 2i64`).
pub const PHOLE: char = '\u{5}';

/// A hole character.
pub fn is_hole(c: char) -> bool {
    matches!(c, HOLE | BARE | RECV | PIN | PHOLE)
}

/// The types of generated values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    Int,
    Float,
    Bool,
    Str,
    Key,
    #[default]
    Unit,
    Opt(Box<Ty>),
    Vec(Box<Ty>),
    Map(Box<Ty>),
    Tuple(Vec<Ty>),
    /// A struct of the program: its index and whether it derives `Copy`.
    Struct(usize, bool),
    /// `Result<T, Reject>`: only as a return type.
    Res(Box<Ty>),
    /// An enum of the program: its index and whether its variants are all unit variants
    /// (then it derives `Copy`, and may be a parameter or a reply).
    Enum(usize, bool),
    /// `redlua::Value`, built in the body: only as a return type.
    Value,
    /// A `LuaNumber` parameter (its value is used as `n.0`).
    LuaNum,
}

impl Ty {
    pub fn opt(t: Ty) -> Ty {
        Ty::Opt(Box::new(t))
    }
    pub fn vec(t: Ty) -> Ty {
        Ty::Vec(Box::new(t))
    }
    pub fn map(t: Ty) -> Ty {
        Ty::Map(Box::new(t))
    }

    /// The Rust spelling of the type.
    pub fn rust(&self) -> String {
        match self {
            Ty::Int => "i64".into(),
            Ty::Float => "f64".into(),
            Ty::Bool => "bool".into(),
            Ty::Str => "String".into(),
            Ty::Key => "Key".into(),
            Ty::Unit => "()".into(),
            Ty::Opt(t) => format!("Option<{}>", t.rust()),
            Ty::Vec(t) => format!("Vec<{}>", t.rust()),
            Ty::Map(t) => format!("HashMap<String, {}>", t.rust()),
            Ty::Tuple(ts) => {
                let inner: Vec<String> = ts.iter().map(Ty::rust).collect();
                if ts.len() == 1 {
                    format!("({},)", inner[0])
                } else {
                    format!("({})", inner.join(", "))
                }
            }
            Ty::Struct(i, _) => struct_name(*i),
            Ty::Enum(i, _) => enum_name(*i),
            Ty::Res(t) => format!("Result<{}, Reject>", t.rust()),
            Ty::Value => "Value".into(),
            Ty::LuaNum => "LuaNumber".into(),
        }
    }

    /// Values of the type are `Copy` in Rust.
    pub fn is_copy(&self) -> bool {
        match self {
            Ty::Int | Ty::Float | Ty::Bool | Ty::Unit | Ty::LuaNum => true,
            Ty::Tuple(ts) => ts.iter().all(Ty::is_copy),
            Ty::Struct(_, copy) => *copy,
            Ty::Enum(_, unit) => *unit,
            Ty::Opt(t) => t.is_copy(),
            _ => false,
        }
    }

    /// `==` is defined (floats included: `PartialEq`).
    pub fn has_eq(&self) -> bool {
        !matches!(self, Ty::Key | Ty::Res(_) | Ty::Value | Ty::LuaNum)
    }

    /// Contains a float somewhere (no `Eq`, no `Ord`, NaN != NaN).
    pub fn has_float(&self) -> bool {
        match self {
            Ty::Float => true,
            Ty::Opt(t) | Ty::Vec(t) | Ty::Map(t) | Ty::Res(t) => t.has_float(),
            Ty::Tuple(ts) => ts.iter().any(Ty::has_float),
            _ => false,
        }
    }

    /// Contains a struct somewhere.
    pub fn has_struct(&self) -> bool {
        match self {
            Ty::Struct(..) => true,
            Ty::Opt(t) | Ty::Vec(t) | Ty::Map(t) | Ty::Res(t) => t.has_struct(),
            Ty::Tuple(ts) => ts.iter().any(Ty::has_struct),
            _ => false,
        }
    }
}

/// The name of struct `i`.
pub fn struct_name(i: usize) -> String {
    format!("S{i}")
}

/// The name of enum `i`.
pub fn enum_name(i: usize) -> String {
    format!("E{i}")
}

/// The variant names of enums, in order; the first variant of every enum is a unit one.
pub const VARIANTS: &[&str] = &["Idle", "Running", "Done", "Failed"];

/// An enum of the library: its variants (name, fields; a named field is `f0`, `f1` ..
/// when `named`).
#[derive(Clone, Debug, PartialEq)]
pub struct EnumDef {
    pub variants: Vec<Variant>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub name: String,
    pub fields: Vec<Ty>,
    pub named: bool,
}

impl EnumDef {
    pub fn unit_only(&self) -> bool {
        self.variants.iter().all(|v| v.fields.is_empty())
    }
}

/// How a function of an `impl` block takes its receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recv {
    /// An associated function (`S::new(..)`).
    Assoc,
    /// `&self`.
    Ref,
    /// `&mut self`.
    Mut,
    /// `self`.
    Value,
}

/// An `impl` block on a struct or an enum of the library.
#[derive(Clone, Debug, PartialEq)]
pub struct ImplDef {
    pub target: String,
    pub fns: Vec<(Recv, FnDef)>,
}

/// A typed expression (statements are expressions of type `()`).
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub ty: Ty,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A literal or any atomic text that needs no sub-expression.
    Lit(String),
    /// A variable (its use, already with `*` or `.clone()` where needed).
    Var(String),
    /// A template with holes, filled by `kids` in order.
    Tpl { tag: &'static str, text: String, kids: Vec<Expr>, atomic: bool },
    /// `{ stmts; tail }`.
    Block(Block),
}

/// A block: statements and an optional value.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub tail: Option<Box<Expr>>,
}

/// A statement: an expression, followed by `;` when `semi`.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub expr: Expr,
    pub semi: bool,
}

impl Expr {
    pub fn lit(ty: Ty, text: impl Into<String>) -> Expr {
        Expr { ty, kind: Kind::Lit(text.into()) }
    }

    /// A template expression (see the module docs for the holes).
    pub fn tpl(ty: Ty, tag: &'static str, text: impl Into<String>, kids: Vec<Expr>) -> Expr {
        let text = text.into();
        debug_assert_eq!(text.chars().filter(|&c| is_hole(c)).count(), kids.len(), "{text:?}");
        Expr { ty, kind: Kind::Tpl { tag, text, kids, atomic: false } }
    }

    /// A template expression that needs no parentheses as an operand (calls, method calls).
    pub fn call(ty: Ty, tag: &'static str, text: impl Into<String>, kids: Vec<Expr>) -> Expr {
        let mut e = Expr::tpl(ty, tag, text, kids);
        if let Kind::Tpl { atomic, text, .. } = &mut e.kind {
            // A trailing cast binds looser than a method call: `(x.len() as i64).abs()`.
            let cast = [" as i64", " as f64", " as usize", " as u8", " as u32", " as i32"].iter().any(|c| text.ends_with(c));
            *atomic = !cast && !text.starts_with('{') && !text.starts_with("match ");
        }
        e
    }

    pub fn var(ty: Ty, text: impl Into<String>) -> Expr {
        Expr { ty, kind: Kind::Var(text.into()) }
    }

    pub fn block(ty: Ty, b: Block) -> Expr {
        Expr { ty, kind: Kind::Block(b) }
    }

    pub fn tag(&self) -> &'static str {
        match &self.kind {
            Kind::Lit(_) => "lit",
            Kind::Var(_) => "var",
            Kind::Tpl { tag, .. } => tag,
            Kind::Block(_) => "block",
        }
    }

    /// Number of nodes (for sizes and shrinking progress).
    pub fn size(&self) -> usize {
        match &self.kind {
            Kind::Lit(_) | Kind::Var(_) => 1,
            Kind::Tpl { kids, .. } => 1 + kids.iter().map(Expr::size).sum::<usize>(),
            Kind::Block(b) => 1 + b.size(),
        }
    }

    fn is_atomic(&self) -> bool {
        match &self.kind {
            Kind::Lit(t) => !t.starts_with('-') && !t.contains(' ') || t.starts_with('"'),
            Kind::Var(t) => !t.starts_with('*'),
            Kind::Tpl { atomic, .. } => *atomic,
            // `{ .. } + x` at the start of a statement would parse as a block statement.
            Kind::Block(_) => false,
        }
    }
}

impl Block {
    pub fn size(&self) -> usize {
        self.stmts.iter().map(|s| s.expr.size()).sum::<usize>() + self.tail.as_ref().map_or(0, |t| t.size())
    }
}

/// A plain struct of the library.
#[derive(Clone, Debug, PartialEq)]
pub struct StructDef {
    pub fields: Vec<(String, Ty)>,
    pub copy: bool,
    /// Derives `Record` (a Redis hash).
    pub record: bool,
    /// Derives `Json`.
    pub json: bool,
}

/// A parameter and where its value comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub ty: Ty,
    /// `mut` in the signature.
    pub mutable: bool,
    /// Passed by reference (`&T`) to a helper.
    pub by_ref: bool,
}

/// A function: a helper or the redis function.
#[derive(Clone, Debug, PartialEq)]
pub struct FnDef {
    pub name: String,
    pub params: Vec<Param>,
    pub ret: Ty,
    pub body: Block,
}

/// One generated library with one redis function.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// The library name (also the module name); the redis function is `f_<name>`.
    pub name: String,
    pub enums: Vec<EnumDef>,
    pub impls: Vec<ImplDef>,
    pub structs: Vec<StructDef>,
    pub helpers: Vec<FnDef>,
    pub main: FnDef,
    pub read_only: bool,
    /// Module-level `const` items, as Rust source lines.
    pub consts: Vec<String>,
}

impl Program {
    pub fn fn_name(&self) -> String {
        format!("f_{}", self.name)
    }

    pub fn size(&self) -> usize {
        self.main.body.size() + self.helpers.iter().map(|h| h.body.size() + 1).sum::<usize>() + self.structs.len() + self.main.params.len()
    }

    /// The library module as Rust source.
    pub fn to_rust(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "#[redlua::library(name = \"{}\")]", self.name);
        let _ = writeln!(out, "pub mod {} {{", self.name);
        out.push_str("    use redlua::prelude::*;\n    use std::collections::HashMap;\n");
        for (i, e) in self.enums.iter().enumerate() {
            out.push('\n');
            let derive = if e.unit_only() { "Debug, Clone, Copy, PartialEq" } else { "Debug, Clone, PartialEq" };
            let _ = writeln!(out, "    #[derive({derive})]");
            let _ = writeln!(out, "    pub enum {} {{", enum_name(i));
            for v in &e.variants {
                let fields: Vec<String> = v.fields.iter().enumerate().map(|(j, t)| if v.named { format!("f{j}: {}", t.rust()) } else { t.rust() }).collect();
                match (v.fields.is_empty(), v.named) {
                    (true, _) => { let _ = writeln!(out, "        {},", v.name); }
                    (false, true) => { let _ = writeln!(out, "        {} {{ {} }},", v.name, fields.join(", ")); }
                    (false, false) => { let _ = writeln!(out, "        {}({}),", v.name, fields.join(", ")); }
                }
            }
            out.push_str("    }\n");
        }
        for c in &self.consts {
            let _ = writeln!(out, "    {c}");
        }
        for (i, s) in self.structs.iter().enumerate() {
            out.push('\n');
            let mut derive = if s.copy { "Debug, Clone, Copy, PartialEq" } else { "Debug, Clone, PartialEq" }.to_string();
            if s.record {
                derive.push_str(", Record");
            }
            if s.json {
                derive.push_str(", Json");
            }
            let _ = writeln!(out, "    #[derive({derive})]");
            let _ = writeln!(out, "    pub struct {} {{", struct_name(i));
            for (f, t) in &s.fields {
                let _ = writeln!(out, "        pub {f}: {},", t.rust());
            }
            out.push_str("    }\n");
        }
        for im in &self.impls {
            out.push('\n');
            let _ = writeln!(out, "    impl {} {{", im.target);
            for (k, (r, f)) in im.fns.iter().enumerate() {
                if k > 0 {
                    out.push('\n');
                }
                let recv = match r {
                    Recv::Assoc => None,
                    Recv::Ref => Some("&self"),
                    Recv::Mut => Some("&mut self"),
                    Recv::Value => Some("self"),
                };
                print_fn_recv(&mut out, f, "        ", "pub ", recv);
            }
            out.push_str("    }\n");
        }
        for h in &self.helpers {
            out.push('\n');
            print_fn(&mut out, h, "    ", "");
        }
        out.push('\n');
        let attr = if self.read_only { "#[redis_function(read_only)]" } else { "#[redis_function]" };
        let _ = writeln!(out, "    {attr}");
        print_fn(&mut out, &self.main, "    ", "pub ");
        out.push_str("}\n");
        out
    }
}

fn print_fn(out: &mut String, f: &FnDef, indent: &str, vis: &str) {
    print_fn_recv(out, f, indent, vis, None)
}

fn print_fn_recv(out: &mut String, f: &FnDef, indent: &str, vis: &str, recv: Option<&str>) {
    let mut params: Vec<String> = recv.map(str::to_string).into_iter().collect();
    params.extend(f.params.iter().map(|p| {
        let m = if p.mutable { "mut " } else { "" };
        let r = if p.by_ref { "&" } else { "" };
        format!("{m}{}: {r}{}", p.name, p.ty.rust())
    }));
    let ret = if f.ret == Ty::Unit { String::new() } else { format!(" -> {}", f.ret.rust()) };
    let _ = write!(out, "{indent}{vis}fn {}({}){ret} ", f.name, params.join(", "));
    print_block(out, &f.body, indent);
    out.push('\n');
}

/// Prints `{ .. }` at `indent` (the opening brace where the cursor is).
pub fn print_block(out: &mut String, b: &Block, indent: &str) {
    print_block_pin(out, b, indent, false)
}

fn print_block_pin(out: &mut String, b: &Block, indent: &str, pin: bool) {
    if b.stmts.is_empty() {
        match &b.tail {
            None => {
                out.push_str("{}");
                return;
            }
            Some(t) => {
                let mut one = String::new();
                print_expr_pin(&mut one, t, indent, pin);
                if !one.contains('\n') {
                    out.push_str("{ ");
                    out.push_str(&one);
                    out.push_str(" }");
                    return;
                }
            }
        }
    }
    out.push_str("{\n");
    let inner = format!("{indent}    ");
    for s in &b.stmts {
        out.push_str(&inner);
        print_expr(out, &s.expr, &inner);
        if s.semi {
            out.push(';');
        }
        out.push('\n');
    }
    if let Some(t) = &b.tail {
        out.push_str(&inner);
        print_expr_pin(out, t, &inner, pin);
        out.push('\n');
    }
    out.push_str(indent);
    out.push('}');
}

/// Prints an expression (statements included) at `indent`.
pub fn print_expr(out: &mut String, e: &Expr, indent: &str) {
    print_expr_pin(out, e, indent, false)
}

/// The literal with its type suffix (`5i64`, `2.5f64`) when it is a plain number.
fn suffixed(t: &str, ty: &Ty) -> Option<String> {
    let digits = t.trim_start_matches('-');
    match ty {
        Ty::Int if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => Some(format!("{t}i64")),
        Ty::Float if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'-') => Some(format!("{t}f64")),
        _ => None,
    }
}

/// Prints `e`; with `pin`, numeric literals reached through operators get their suffix.
fn print_expr_pin(out: &mut String, e: &Expr, indent: &str, pin: bool) {
    match &e.kind {
        Kind::Lit(t) if pin && suffixed(t, &e.ty).is_some() => out.push_str(&suffixed(t, &e.ty).unwrap_or_default()),
        Kind::Lit(t) | Kind::Var(t) => {
            for (i, line) in t.split('\n').enumerate() {
                if i > 0 {
                    out.push('\n');
                    out.push_str(indent);
                }
                out.push_str(line);
            }
        }
        Kind::Block(b) => print_block_pin(out, b, indent, pin),
        Kind::Tpl { text, kids, .. } => {
            let mut k = kids.iter();
            // Holes on an indented line of the template print their blocks at that indent.
            let mut line_indent = indent.to_string();
            let mut at_line_start = false;
            for c in text.chars() {
                if at_line_start {
                    if c == ' ' {
                        line_indent.push(' ');
                        out.push(' ');
                        continue;
                    }
                    at_line_start = false;
                }
                if is_hole(c) {
                    let Some(kid) = k.next() else { continue };
                    let numeric = matches!(kid.ty, Ty::Int | Ty::Float);
                    // Pinning passes through operators of the same type.
                    // (and into the branches of an `if` / `match` and a block's value).
                    let kid_pin = numeric && (c == RECV || c == PIN || c == PHOLE || (pin && kid.ty == e.ty));
                    let paren = (c == HOLE || c == RECV || c == PHOLE) && (!kid.is_atomic() || (c == RECV && kid_pin && matches!(kid.kind, Kind::Lit(_))));
                    if paren {
                        out.push('(');
                    }
                    print_expr_pin(out, kid, &line_indent, kid_pin);
                    if paren {
                        out.push(')');
                    }
                } else if c == '\n' {
                    out.push('\n');
                    out.push_str(indent);
                    line_indent = indent.to_string();
                    at_line_start = true;
                } else {
                    out.push(c);
                }
            }
        }
    }
}

/// The expression as Rust text.
pub fn expr_text(e: &Expr) -> String {
    let mut s = String::new();
    print_expr(&mut s, e, "");
    s
}

/// A Rust string literal for `s` (escaped as rustc reads it back).
pub fn str_lit(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Rust float literal that reads back as exactly `x` (NaN and infinities by name).
pub fn float_lit(x: f64) -> String {
    if x.is_nan() {
        "f64::NAN".into()
    } else if x == f64::INFINITY {
        "f64::INFINITY".into()
    } else if x == f64::NEG_INFINITY {
        "f64::NEG_INFINITY".into()
    } else {
        format!("{x:?}")
    }
}
