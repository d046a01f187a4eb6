//! A small Lua 5.1 AST and its printer.
//!
//! Codegen builds this tree; one printer owns indentation, precedence and string
//! quoting, and records which Lua line came from which Rust line (the line map the
//! runtime uses to report errors at the user's source line).

use std::fmt::Write as _;

/// A Lua statement, with the Rust source line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    /// What the statement is.
    pub kind: StmtKind,
    /// The Rust line this statement translates (printed as a trailing comment).
    pub line: Option<u32>,
}

/// The kinds of Lua statements redlua emits.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `local a, b = x, y` (values may be empty: `local a`).
    Local(Vec<String>, Vec<Expr>),
    /// `a = x`.
    Assign(Vec<Expr>, Vec<Expr>),
    /// A call used as a statement.
    Call(Expr),
    /// `if c then .. elseif c2 then .. else .. end`.
    If(Vec<(Expr, Block)>, Option<Block>),
    /// `while c do .. end`.
    While(Expr, Block),
    /// `repeat .. until c`.
    Repeat(Block, Expr),
    /// Generic `for a, b in exprs do .. end`.
    GenFor(Vec<String>, Vec<Expr>, Block),
    /// Numeric `for v = a, b, step do .. end`.
    NumFor(String, Expr, Expr, Option<Expr>, Block),
    /// `do .. end`.
    Do(Block),
    /// `return ..` (printed as `do return .. end` when not last in its block).
    Return(Vec<Expr>),
    /// `break` (printed as `do break end` when not last in its block).
    Break,
    /// `local function f(params) .. end`.
    LocalFunction(String, Vec<String>, Block),
    /// A comment line.
    Comment(String),
    /// An empty line (for readability between items).
    Blank,
    /// Verbatim Lua lines (the runtime helpers), indented like the block.
    Raw(String),
}

/// A sequence of statements.
pub type Block = Vec<Stmt>;

/// Binary operators of Lua 5.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BinOp {
    Or,
    And,
    Lt,
    Gt,
    Le,
    Ge,
    Ne,
    Eq,
    Concat,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

impl BinOp {
    fn text(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Lt => "<",
            BinOp::Gt => ">",
            BinOp::Le => "<=",
            BinOp::Ge => ">=",
            BinOp::Ne => "~=",
            BinOp::Eq => "==",
            BinOp::Concat => "..",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Pow => "^",
        }
    }

    /// (left binding power, right binding power); higher binds tighter.
    fn prec(self) -> (u8, u8) {
        match self {
            BinOp::Or => (1, 1),
            BinOp::And => (2, 2),
            BinOp::Lt | BinOp::Gt | BinOp::Le | BinOp::Ge | BinOp::Ne | BinOp::Eq => (3, 3),
            BinOp::Concat => (5, 4), // right associative
            BinOp::Add | BinOp::Sub => (6, 6),
            BinOp::Mul | BinOp::Div | BinOp::Mod => (7, 7),
            BinOp::Pow => (10, 9), // right associative, above unary
        }
    }
}

/// Unary operators of Lua 5.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum UnOp {
    Not,
    Neg,
    Len,
}

const UNARY_PREC: u8 = 8;

/// A Lua expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `nil`
    Nil,
    /// `true` / `false`
    Bool(bool),
    /// A number literal, already formatted.
    Num(String),
    /// A string literal (arbitrary bytes, quoted by the printer).
    Str(Vec<u8>),
    /// A name.
    Name(String),
    /// `t[k]`
    Index(Box<Expr>, Box<Expr>),
    /// `t.name`
    Field(Box<Expr>, String),
    /// `f(args)`
    Call(Box<Expr>, Vec<Expr>),
    /// `a op b`
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// `op a`
    Un(UnOp, Box<Expr>),
    /// `{ a, b, k = v }` (positional entries then named ones).
    Table(Vec<Expr>, Vec<(String, Expr)>),
    /// `function(params) .. end`
    Function(Vec<String>, Block),
    /// `(e)`: also keeps `return (f(x))` from being a tail call, so that errors
    /// raised inside `f` still name the caller's line.
    Paren(Box<Expr>),
}

impl Expr {
    /// A name expression.
    pub fn name(s: impl Into<String>) -> Expr {
        Expr::Name(s.into())
    }
    /// A string literal.
    pub fn str(s: impl AsRef<[u8]>) -> Expr {
        Expr::Str(s.as_ref().to_vec())
    }
    /// An integer literal.
    pub fn int(n: i64) -> Expr {
        Expr::Num(n.to_string())
    }
    /// `f(args)` where `f` is a (possibly dotted) global or local name.
    pub fn call(f: &str, args: Vec<Expr>) -> Expr {
        let mut parts = f.split('.');
        let mut e = Expr::Name(parts.next().unwrap_or_default().to_string());
        for p in parts {
            e = Expr::Field(Box::new(e), p.to_string());
        }
        Expr::Call(Box::new(e), args)
    }
    /// `a op b`
    pub fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
        Expr::Bin(op, Box::new(a), Box::new(b))
    }
    /// `op a`
    pub fn un(op: UnOp, a: Expr) -> Expr {
        Expr::Un(op, Box::new(a))
    }
    /// `t[k]`
    pub fn index(t: Expr, k: Expr) -> Expr {
        Expr::Index(Box::new(t), Box::new(k))
    }
    /// `(e)`: the first value only (`string.gsub` also returns a count).
    pub fn first(self) -> Expr {
        Expr::Paren(Box::new(self))
    }

    /// True for expressions that cannot have side effects and are cheap to repeat.
    pub fn is_trivial(&self) -> bool {
        matches!(self, Expr::Nil | Expr::Bool(_) | Expr::Num(_) | Expr::Str(_) | Expr::Name(_))
    }
}

impl Stmt {
    /// A statement with no source line.
    pub fn new(kind: StmtKind) -> Stmt {
        Stmt { kind, line: None }
    }
    /// A statement translating Rust line `line`.
    pub fn at(kind: StmtKind, line: Option<u32>) -> Stmt {
        Stmt { kind, line }
    }
}

/// The printed chunk and its line map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    /// The Lua source.
    pub code: String,
    /// `(lua_line, rust_line)` pairs, 1-based, sorted by Lua line.
    pub lines: Vec<(u32, u32)>,
}

/// Prints Lua with two-space indentation; appends `-- file:line` comments.
pub struct Printer<'a> {
    out: String,
    indent: usize,
    line: u32,
    file: &'a str,
    lines: Vec<(u32, u32)>,
}

impl<'a> Printer<'a> {
    /// A printer whose line comments name `file`.
    pub fn new(file: &'a str) -> Self {
        Printer { out: String::new(), indent: 0, line: 1, file, lines: Vec::new() }
    }

    /// Writes a raw line (used for the `#!lua` shebang).
    pub fn raw_line(&mut self, s: &str) {
        self.out.push_str(s);
        self.newline();
    }

    /// Prints a block at the current indentation.
    pub fn block(&mut self, b: &Block) {
        for (i, s) in b.iter().enumerate() {
            let last = i + 1 == b.len()
                || b[i + 1..].iter().all(|s| matches!(s.kind, StmtKind::Comment(_) | StmtKind::Blank | StmtKind::Raw(_)));
            self.stmt(s, last);
        }
    }

    /// Finishes and returns the text and line map.
    pub fn finish(self) -> Printed {
        Printed { code: self.out, lines: self.lines }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.line += 1;
    }

    fn start_line(&mut self) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
    }

    fn end_line(&mut self, src: Option<u32>) {
        if let Some(l) = src {
            let _ = write!(self.out, "  -- {}:{}", self.file, l);
            self.lines.push((self.line, l));
        }
        self.newline();
    }

    fn stmt(&mut self, s: &Stmt, last: bool) {
        match &s.kind {
            StmtKind::Blank => self.newline(),
            StmtKind::Raw(text) => {
                for l in text.lines() {
                    if !l.is_empty() {
                        self.start_line();
                        self.out.push_str(l);
                    }
                    self.newline();
                }
            }
            StmtKind::Comment(c) => {
                for l in c.lines() {
                    self.start_line();
                    self.out.push_str("-- ");
                    self.out.push_str(l);
                    self.newline();
                }
            }
            StmtKind::Local(names, vals) => {
                self.start_line();
                self.out.push_str("local ");
                self.out.push_str(&names.join(", "));
                if !vals.is_empty() {
                    self.out.push_str(" = ");
                    self.expr_list(vals);
                }
                self.end_line(s.line);
            }
            StmtKind::Assign(targets, vals) => {
                self.start_line();
                self.expr_list(targets);
                self.out.push_str(" = ");
                self.expr_list(vals);
                self.end_line(s.line);
            }
            StmtKind::Call(e) => {
                self.start_line();
                self.expr(e, 0);
                self.end_line(s.line);
            }
            StmtKind::Return(vals) => {
                self.start_line();
                if !last {
                    self.out.push_str("do ");
                }
                self.out.push_str("return");
                if !vals.is_empty() {
                    self.out.push(' ');
                    self.expr_list(vals);
                }
                if !last {
                    self.out.push_str(" end");
                }
                self.end_line(s.line);
            }
            StmtKind::Break => {
                self.start_line();
                self.out.push_str(if last { "break" } else { "do break end" });
                self.end_line(s.line);
            }
            StmtKind::If(arms, els) => {
                for (i, (cond, body)) in arms.iter().enumerate() {
                    self.start_line();
                    self.out.push_str(if i == 0 { "if " } else { "elseif " });
                    self.expr(cond, 0);
                    self.out.push_str(" then");
                    self.end_line(if i == 0 { s.line } else { None });
                    self.nested(body);
                }
                if let Some(b) = els {
                    self.start_line();
                    self.out.push_str("else");
                    self.newline();
                    self.nested(b);
                }
                self.start_line();
                self.out.push_str("end");
                self.newline();
            }
            StmtKind::While(cond, body) => {
                self.start_line();
                self.out.push_str("while ");
                self.expr(cond, 0);
                self.out.push_str(" do");
                self.end_line(s.line);
                self.nested(body);
                self.end_keyword();
            }
            StmtKind::Repeat(body, cond) => {
                self.start_line();
                self.out.push_str("repeat");
                self.end_line(s.line);
                self.nested(body);
                self.start_line();
                self.out.push_str("until ");
                self.expr(cond, 0);
                self.newline();
            }
            StmtKind::NumFor(v, a, b, step, body) => {
                self.start_line();
                let _ = write!(self.out, "for {v} = ");
                self.expr(a, 0);
                self.out.push_str(", ");
                self.expr(b, 0);
                if let Some(st) = step {
                    self.out.push_str(", ");
                    self.expr(st, 0);
                }
                self.out.push_str(" do");
                self.end_line(s.line);
                self.nested(body);
                self.end_keyword();
            }
            StmtKind::GenFor(names, exprs, body) => {
                self.start_line();
                let _ = write!(self.out, "for {} in ", names.join(", "));
                self.expr_list(exprs);
                self.out.push_str(" do");
                self.end_line(s.line);
                self.nested(body);
                self.end_keyword();
            }
            StmtKind::Do(body) => {
                self.start_line();
                self.out.push_str("do");
                self.end_line(s.line);
                self.nested(body);
                self.end_keyword();
            }
            StmtKind::LocalFunction(name, params, body) => {
                self.start_line();
                let _ = write!(self.out, "local function {}({})", name, params.join(", "));
                self.end_line(s.line);
                self.nested(body);
                self.end_keyword();
            }
        }
    }

    /// The `end` that closes a block statement.
    fn end_keyword(&mut self) {
        self.start_line();
        self.out.push_str("end");
        self.newline();
    }

    fn nested(&mut self, b: &Block) {
        self.indent += 1;
        self.block(b);
        self.indent -= 1;
    }

    fn expr_list(&mut self, es: &[Expr]) {
        for (i, e) in es.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr(e, 0);
        }
    }

    /// Prints `e`, parenthesised when its precedence is below `min`.
    fn expr(&mut self, e: &Expr, min: u8) {
        match e {
            Expr::Nil => self.out.push_str("nil"),
            Expr::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Expr::Num(n) => {
                // `- -1` would be a comment; negative literals under a unary minus get parens.
                if n.starts_with('-') && min >= UNARY_PREC {
                    let _ = write!(self.out, "({n})");
                } else {
                    self.out.push_str(n)
                }
            }
            Expr::Str(s) => quote_into(&mut self.out, s),
            Expr::Name(n) => self.out.push_str(n),
            Expr::Index(t, k) => {
                self.prefix(t);
                self.out.push('[');
                self.expr(k, 0);
                self.out.push(']');
            }
            Expr::Field(t, f) => {
                self.prefix(t);
                self.out.push('.');
                self.out.push_str(f);
            }
            Expr::Call(f, args) => {
                self.prefix(f);
                self.out.push('(');
                self.expr_list(args);
                self.out.push(')');
            }
            Expr::Bin(op, a, b) => {
                let (lp, rp) = op.prec();
                let p = lp.min(rp);
                let paren = p < min;
                if paren {
                    self.out.push('(');
                }
                // Left operand: needs strictly higher precedence for right-assoc ops.
                let left_min = if rp < lp { lp } else { p };
                let right_min = if rp < lp { rp } else { p + 1 };
                self.expr(a, left_min);
                let _ = write!(self.out, " {} ", op.text());
                self.expr(b, right_min);
                if paren {
                    self.out.push(')');
                }
            }
            Expr::Un(op, a) => {
                let paren = UNARY_PREC < min;
                if paren {
                    self.out.push('(');
                }
                self.out.push_str(match op {
                    UnOp::Not => "not ",
                    UnOp::Neg => "-",
                    UnOp::Len => "#",
                });
                // `- -x` must not print as `--x`.
                let needs_space = *op == UnOp::Neg && matches!(**a, Expr::Un(UnOp::Neg, _));
                if needs_space {
                    self.out.push(' ');
                }
                self.expr(a, UNARY_PREC);
                if paren {
                    self.out.push(')');
                }
            }
            Expr::Table(items, fields) => {
                if items.is_empty() && fields.is_empty() {
                    self.out.push_str("{}");
                    return;
                }
                self.out.push_str("{ ");
                let mut first = true;
                for it in items {
                    if !first {
                        self.out.push_str(", ");
                    }
                    first = false;
                    self.expr(it, 0);
                }
                for (k, v) in fields {
                    if !first {
                        self.out.push_str(", ");
                    }
                    first = false;
                    let _ = write!(self.out, "{k} = ");
                    self.expr(v, 0);
                }
                self.out.push_str(" }");
            }
            Expr::Paren(inner) => {
                self.out.push('(');
                self.expr(inner, 0);
                self.out.push(')');
            }
            Expr::Function(params, body) => {
                let _ = write!(self.out, "function({})", params.join(", "));
                self.newline();
                self.nested(body);
                self.start_line();
                self.out.push_str("end");
            }
        }
    }

    /// Prints a prefix expression (call target or indexed table), parenthesising others.
    fn prefix(&mut self, e: &Expr) {
        match e {
            Expr::Name(_) | Expr::Index(..) | Expr::Field(..) | Expr::Call(..) | Expr::Paren(_) => self.expr(e, 0),
            _ => {
                self.out.push('(');
                self.expr(e, 0);
                self.out.push(')');
            }
        }
    }
}

/// An integer bound as a Lua number (2^64 - 1 reads as 2^64, the nearest double).
pub fn big_int(n: i128) -> Expr {
    match i64::try_from(n) {
        Ok(n) => Expr::int(n),
        Err(_) => Expr::Num(n.to_string()),
    }
}

/// Quotes arbitrary bytes as a Lua 5.1 string literal that reads back byte for byte.
pub fn quote(s: &[u8]) -> String {
    let mut out = String::new();
    quote_into(&mut out, s);
    out
}

fn quote_into(out: &mut String, s: &[u8]) {
    out.push('\'');
    for (i, &b) in s.iter().enumerate() {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                // Decimal escapes take up to three digits: pad when a digit follows.
                let next_is_digit = s.get(i + 1).is_some_and(|c| c.is_ascii_digit());
                if next_is_digit {
                    let _ = write!(out, "\\{b:03}");
                } else {
                    let _ = write!(out, "\\{b}");
                }
            }
        }
    }
    out.push('\'');
}

/// Lua 5.1 reserved words: Rust identifiers with these names are renamed.
pub const KEYWORDS: &[&str] = &[
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
];

/// Calls `f` with every name that `block` reads (`Expr::Name`, at any depth, in nested
/// functions too); not the names it declares, nor field names, nor `Raw` text.
pub fn visit_names(block: &[Stmt], f: &mut impl FnMut(&str)) {
    for s in block {
        visit_stmt_names(s, f);
    }
}

fn visit_stmt_names(s: &Stmt, f: &mut impl FnMut(&str)) {
    let exprs = |es: &[Expr], f: &mut _| es.iter().for_each(|e| visit_expr_names(e, f));
    match &s.kind {
        StmtKind::Local(_, es) | StmtKind::Return(es) => exprs(es, f),
        StmtKind::Assign(ls, rs) => {
            exprs(ls, f);
            exprs(rs, f);
        }
        StmtKind::Call(e) => visit_expr_names(e, f),
        StmtKind::If(arms, els) => {
            for (c, b) in arms {
                visit_expr_names(c, f);
                visit_names(b, f);
            }
            if let Some(b) = els {
                visit_names(b, f);
            }
        }
        StmtKind::While(c, b) => {
            visit_expr_names(c, f);
            visit_names(b, f);
        }
        StmtKind::Repeat(b, c) => {
            visit_names(b, f);
            visit_expr_names(c, f);
        }
        StmtKind::GenFor(_, es, b) => {
            exprs(es, f);
            visit_names(b, f);
        }
        StmtKind::NumFor(_, a, b, step, body) => {
            visit_expr_names(a, f);
            visit_expr_names(b, f);
            if let Some(s) = step {
                visit_expr_names(s, f);
            }
            visit_names(body, f);
        }
        StmtKind::Do(b) | StmtKind::LocalFunction(_, _, b) => visit_names(b, f),
        StmtKind::Break | StmtKind::Comment(_) | StmtKind::Blank | StmtKind::Raw(_) => {}
    }
}

fn visit_expr_names(e: &Expr, f: &mut impl FnMut(&str)) {
    match e {
        Expr::Name(n) => f(n),
        Expr::Nil | Expr::Bool(_) | Expr::Num(_) | Expr::Str(_) => {}
        Expr::Index(a, b) | Expr::Bin(_, a, b) => {
            visit_expr_names(a, f);
            visit_expr_names(b, f);
        }
        Expr::Field(a, _) | Expr::Un(_, a) | Expr::Paren(a) => visit_expr_names(a, f),
        Expr::Call(g, args) => {
            visit_expr_names(g, f);
            args.iter().for_each(|a| visit_expr_names(a, f));
        }
        Expr::Table(items, named) => {
            items.iter().for_each(|a| visit_expr_names(a, f));
            named.iter().for_each(|(_, a)| visit_expr_names(a, f));
        }
        Expr::Function(_, b) => visit_names(b, f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print_expr(e: &Expr) -> String {
        let mut p = Printer::new("t.rs");
        p.expr(e, 0);
        p.out
    }

    #[test]
    fn quoting_escapes_everything_dangerous() {
        assert_eq!(quote(b"a'b\\c\nd"), r"'a\'b\\c\nd'");
        assert_eq!(quote(b"]]"), "']]'");
        assert_eq!(quote(&[0, b'1']), r"'\0001'");
        assert_eq!(quote(&[0xff]), r"'\255'");
    }

    #[test]
    fn precedence_adds_parens_only_where_needed() {
        let a = Expr::name("a");
        let b = Expr::name("b");
        let c = Expr::name("c");
        let sum = Expr::bin(BinOp::Add, a.clone(), b.clone());
        assert_eq!(print_expr(&Expr::bin(BinOp::Mul, sum.clone(), c.clone())), "(a + b) * c");
        assert_eq!(print_expr(&Expr::bin(BinOp::Add, sum.clone(), c.clone())), "a + b + c");
        let bc = Expr::bin(BinOp::Sub, b.clone(), c.clone());
        assert_eq!(print_expr(&Expr::bin(BinOp::Sub, a.clone(), bc)), "a - (b - c)");
        assert_eq!(print_expr(&Expr::un(UnOp::Not, Expr::bin(BinOp::Eq, a.clone(), b.clone()))), "not (a == b)");
        assert_eq!(print_expr(&Expr::un(UnOp::Neg, Expr::un(UnOp::Neg, a.clone()))), "- -a");
        assert_eq!(print_expr(&Expr::un(UnOp::Neg, Expr::int(-1))), "-(-1)");
        let cat = Expr::bin(BinOp::Concat, a.clone(), Expr::bin(BinOp::Concat, b, c));
        assert_eq!(print_expr(&cat), "a .. b .. c");
    }

    #[test]
    fn visit_names_sees_reads_at_any_depth_and_not_declarations() {
        let inner = vec![Stmt::new(StmtKind::Return(vec![Expr::call("g", vec![Expr::name("y")])]))];
        let block = vec![
            Stmt::new(StmtKind::Local(vec!["x".into()], vec![Expr::Function(vec!["p".into()], inner)])),
            Stmt::new(StmtKind::Comment("h".into())),
            Stmt::new(StmtKind::Raw("k()".into())),
            Stmt::new(StmtKind::Call(Expr::call("t.f", vec![Expr::Table(vec![], vec![("a".into(), Expr::name("z"))])]))),
        ];
        let mut seen = Vec::new();
        visit_names(&block, &mut |n| seen.push(n.to_string()));
        assert_eq!(seen, ["g", "y", "t", "z"]);
    }

    #[test]
    fn return_in_the_middle_of_a_block_is_wrapped() {
        let mut p = Printer::new("t.rs");
        p.block(&vec![
            Stmt::at(StmtKind::Return(vec![Expr::int(1)]), Some(3)),
            Stmt::new(StmtKind::Call(Expr::call("f", vec![]))),
        ]);
        let out = p.finish();
        assert_eq!(out.code, "do return 1 end  -- t.rs:3\nf()\n");
        assert_eq!(out.lines, vec![(1, 3)]);
    }
}
