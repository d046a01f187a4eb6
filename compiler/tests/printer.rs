//! The Lua printer (`redlua_compiler::lua`), through its public API: parentheses exactly
//! where Lua 5.1's grammar needs them (checked against an independent precedence table for
//! every pair of operators), the exact layout of every statement kind with its line map,
//! and string quoting that stays readable.

use redlua_compiler::lua::{quote, visit_names, BinOp, Expr, Printer, Stmt, StmtKind, UnOp};

const OPS: &[(BinOp, &str)] = &[
    (BinOp::Or, "or"),
    (BinOp::And, "and"),
    (BinOp::Lt, "<"),
    (BinOp::Gt, ">"),
    (BinOp::Le, "<="),
    (BinOp::Ge, ">="),
    (BinOp::Ne, "~="),
    (BinOp::Eq, "=="),
    (BinOp::Concat, ".."),
    (BinOp::Add, "+"),
    (BinOp::Sub, "-"),
    (BinOp::Mul, "*"),
    (BinOp::Div, "/"),
    (BinOp::Mod, "%"),
    (BinOp::Pow, "^"),
];

/// Lua 5.1 reference manual, §2.5.6: precedence from low to high, and which operators
/// are right associative.
fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 1,
        BinOp::And => 2,
        BinOp::Lt | BinOp::Gt | BinOp::Le | BinOp::Ge | BinOp::Ne | BinOp::Eq => 3,
        BinOp::Concat => 4,
        BinOp::Add | BinOp::Sub => 5,
        BinOp::Mul | BinOp::Div | BinOp::Mod => 6,
        BinOp::Pow => 8,
    }
}
const UNARY: u8 = 7;

fn right_assoc(op: BinOp) -> bool {
    matches!(op, BinOp::Concat | BinOp::Pow)
}

/// Prints one expression: as the value of a `return`, the line's text without `return `.
fn print(e: &Expr) -> String {
    let mut p = Printer::new("t.rs");
    p.block(&vec![Stmt::new(StmtKind::Return(vec![e.clone()]))]);
    let code = p.finish().code;
    code.strip_prefix("return ").and_then(|c| c.strip_suffix('\n')).unwrap_or_else(|| panic!("unexpected layout {code:?}")).to_string()
}

fn n(s: &str) -> Expr {
    Expr::name(s)
}

#[test]
fn every_operator_text() {
    for (op, text) in OPS {
        assert_eq!(print(&Expr::bin(*op, n("a"), n("b"))), format!("a {text} b"));
    }
}

#[test]
fn parentheses_exactly_where_lua_needs_them() {
    for &(outer, ot) in OPS {
        for &(inner, it) in OPS {
            // (a inner b) outer c
            let left = Expr::bin(outer, Expr::bin(inner, n("a"), n("b")), n("c"));
            let needs = precedence(inner) < precedence(outer) || precedence(inner) == precedence(outer) && right_assoc(outer);
            let want = if needs { format!("(a {it} b) {ot} c") } else { format!("a {it} b {ot} c") };
            assert_eq!(print(&left), want, "({it}) {ot}");
            // a outer (b inner c)
            let right = Expr::bin(outer, n("a"), Expr::bin(inner, n("b"), n("c")));
            let needs = precedence(inner) < precedence(outer) || precedence(inner) == precedence(outer) && !right_assoc(outer);
            let want = if needs { format!("a {ot} (b {it} c)") } else { format!("a {ot} b {it} c") };
            assert_eq!(print(&right), want, "{ot} ({it})");
        }
        // Unary operands: `-a op b` is `(-a) op b` unless `op` binds tighter (`^`).
        let un_left = Expr::bin(outer, Expr::un(UnOp::Neg, n("a")), n("b"));
        let want = if precedence(outer) > UNARY { format!("(-a) {ot} b") } else { format!("-a {ot} b") };
        assert_eq!(print(&un_left), want);
        let un_right = Expr::bin(outer, n("a"), Expr::un(UnOp::Not, n("b")));
        let want = if precedence(outer) > UNARY { format!("a {ot} (not b)") } else { format!("a {ot} not b") };
        assert_eq!(print(&un_right), want);
        let under_unary = Expr::un(UnOp::Len, Expr::bin(outer, n("a"), n("b")));
        let want = if precedence(outer) > UNARY { format!("#a {ot} b") } else { format!("#(a {ot} b)") };
        assert_eq!(print(&under_unary), want);
    }
}

#[test]
fn unary_operators_and_negative_literals() {
    assert_eq!(print(&Expr::un(UnOp::Not, n("a"))), "not a");
    assert_eq!(print(&Expr::un(UnOp::Neg, n("a"))), "-a");
    assert_eq!(print(&Expr::un(UnOp::Len, n("a"))), "#a");
    // `--` would start a comment.
    assert_eq!(print(&Expr::un(UnOp::Neg, Expr::un(UnOp::Neg, n("a")))), "- -a");
    assert_eq!(print(&Expr::un(UnOp::Neg, Expr::int(-1))), "-(-1)");
    assert_eq!(print(&Expr::un(UnOp::Not, Expr::un(UnOp::Neg, n("a")))), "not -a");
    assert_eq!(print(&Expr::un(UnOp::Neg, Expr::un(UnOp::Not, n("a")))), "-not a");
    assert_eq!(print(&Expr::int(-1)), "-1");
    assert_eq!(print(&Expr::bin(BinOp::Sub, n("a"), Expr::int(-1))), "a - -1");
    assert_eq!(print(&Expr::bin(BinOp::Pow, Expr::int(-2), n("a"))), "(-2) ^ a");
    assert_eq!(print(&Expr::bin(BinOp::Add, Expr::int(-2), n("a"))), "-2 + a");
}

#[test]
fn literals_tables_calls_and_prefix_expressions() {
    assert_eq!(print(&Expr::Nil), "nil");
    assert_eq!(print(&Expr::Bool(true)), "true");
    assert_eq!(print(&Expr::Bool(false)), "false");
    assert_eq!(print(&Expr::Num("1.5".into())), "1.5");
    assert_eq!(print(&Expr::Table(vec![], vec![])), "{}");
    assert_eq!(print(&Expr::Table(vec![Expr::int(1), n("b")], vec![])), "{ 1, b }");
    assert_eq!(print(&Expr::Table(vec![], vec![("err".into(), Expr::str("x")), ("k".into(), n("v"))])), "{ err = 'x', k = v }");
    assert_eq!(print(&Expr::Table(vec![Expr::int(1)], vec![("k".into(), n("v"))])), "{ 1, k = v }");
    assert_eq!(print(&Expr::call("redis.call", vec![Expr::str("GET"), n("k")])), "redis.call('GET', k)");
    assert_eq!(print(&Expr::call("f", vec![])), "f()");
    assert_eq!(print(&Expr::index(n("t"), Expr::bin(BinOp::Add, n("i"), Expr::int(1)))), "t[i + 1]");
    assert_eq!(print(&Expr::Field(Box::new(n("t")), "x".into())), "t.x");
    assert_eq!(print(&Expr::call("f", vec![n("x")]).first()), "(f(x))");
    // Only names, indexes, fields, calls and parentheses are prefix expressions.
    let or = Expr::bin(BinOp::Or, n("f"), n("g"));
    assert_eq!(print(&Expr::Call(Box::new(or.clone()), vec![n("x")])), "(f or g)(x)");
    assert_eq!(print(&Expr::index(Expr::str("ab"), Expr::int(1))), "('ab')[1]");
    assert_eq!(print(&Expr::Field(Box::new(Expr::Table(vec![], vec![])), "n".into())), "({}).n");
    assert_eq!(print(&Expr::Call(Box::new(Expr::index(n("t"), Expr::int(1))), vec![])), "t[1]()");
    assert_eq!(print(&Expr::Call(Box::new(Expr::call("f", vec![])), vec![])), "f()()");
    assert_eq!(print(&Expr::Call(Box::new(Expr::Paren(Box::new(or))), vec![])), "(f or g)()");
    assert_eq!(print(&Expr::index(Expr::Field(Box::new(n("a")), "b".into()), n("c"))), "a.b[c]");
}

#[test]
fn is_trivial_means_no_effects_and_cheap() {
    for e in [Expr::Nil, Expr::Bool(true), Expr::int(1), Expr::str("s"), n("x")] {
        assert!(e.is_trivial(), "{e:?}");
    }
    for e in [Expr::call("f", vec![]), Expr::index(n("t"), n("k")), Expr::bin(BinOp::Add, n("a"), n("b")), Expr::un(UnOp::Neg, n("a")), Expr::Table(vec![], vec![]), n("x").first()] {
        assert!(!e.is_trivial(), "{e:?}");
    }
}

#[test]
fn every_statement_kind_with_its_line_map() {
    let body = |name: &str| vec![Stmt::at(StmtKind::Call(Expr::call(name, vec![])), Some(90))];
    let block = vec![
        Stmt::new(StmtKind::Comment("two\nlines".into())),
        Stmt::at(StmtKind::Local(vec!["a".into(), "b".into()], vec![Expr::int(1), Expr::int(2)]), Some(10)),
        Stmt::at(StmtKind::Local(vec!["c".into()], vec![]), Some(11)),
        Stmt::new(StmtKind::Blank),
        Stmt::at(StmtKind::Assign(vec![n("a"), Expr::index(n("t"), Expr::int(1))], vec![n("b"), n("c")]), Some(12)),
        Stmt::at(StmtKind::If(vec![(n("a"), body("f")), (n("b"), body("g"))], Some(body("h"))), Some(13)),
        Stmt::at(StmtKind::If(vec![(n("c"), vec![])], None), Some(14)),
        Stmt::at(StmtKind::While(n("a"), vec![Stmt::at(StmtKind::Break, Some(16)), Stmt::new(StmtKind::Comment("after".into()))]), Some(15)),
        Stmt::at(StmtKind::Repeat(vec![Stmt::at(StmtKind::Break, Some(18)), Stmt::at(StmtKind::Call(Expr::call("f", vec![])), None)], n("b")), Some(17)),
        Stmt::at(StmtKind::NumFor("i".into(), Expr::int(1), n("n"), None, body("f")), Some(19)),
        Stmt::at(StmtKind::NumFor("i".into(), n("n"), Expr::int(1), Some(Expr::int(-1)), vec![]), Some(20)),
        Stmt::at(StmtKind::GenFor(vec!["k".into(), "v".into()], vec![Expr::call("pairs", vec![n("t")])], body("f")), Some(21)),
        Stmt::at(StmtKind::Do(vec![Stmt::at(StmtKind::Return(vec![]), Some(23)), Stmt::new(StmtKind::Blank)]), Some(22)),
        Stmt::at(StmtKind::LocalFunction("h".into(), vec!["x".into(), "y".into()], vec![Stmt::new(StmtKind::Raw("local z = x\n\nreturn z".into()))]), Some(24)),
        Stmt::at(StmtKind::Local(vec!["g".into()], vec![Expr::Function(vec!["p".into()], body("f"))]), Some(25)),
        Stmt::at(StmtKind::Return(vec![n("a"), n("b")]), Some(26)),
        Stmt::at(StmtKind::Return(vec![]), None),
    ];
    let mut p = Printer::new("t.rs");
    p.raw_line("#!lua name=t");
    p.block(&block);
    let printed = p.finish();
    let want = "\
#!lua name=t
-- two
-- lines
local a, b = 1, 2  -- t.rs:10
local c  -- t.rs:11

a, t[1] = b, c  -- t.rs:12
if a then  -- t.rs:13
  f()  -- t.rs:90
elseif b then
  g()  -- t.rs:90
else
  h()  -- t.rs:90
end
if c then  -- t.rs:14
end
while a do  -- t.rs:15
  break  -- t.rs:16
  -- after
end
repeat  -- t.rs:17
  do break end  -- t.rs:18
  f()
until b
for i = 1, n do  -- t.rs:19
  f()  -- t.rs:90
end
for i = n, 1, -1 do  -- t.rs:20
end
for k, v in pairs(t) do  -- t.rs:21
  f()  -- t.rs:90
end
do  -- t.rs:22
  return  -- t.rs:23

end
local function h(x, y)  -- t.rs:24
  local z = x

  return z
end
local g = function(p)
  f()  -- t.rs:90
end  -- t.rs:25
do return a, b end  -- t.rs:26
return
";
    assert_eq!(printed.code, want);
    // Every pair names the Lua line that carries its comment.
    let mut from_comments = Vec::new();
    for (i, line) in printed.code.lines().enumerate() {
        if let Some((_, l)) = line.rsplit_once("  -- t.rs:") {
            from_comments.push((i as u32 + 1, l.parse::<u32>().unwrap()));
        }
    }
    assert_eq!(printed.lines, from_comments);
}

#[test]
fn strings_quote_readably_and_exactly() {
    assert_eq!(quote(b""), "''");
    assert_eq!(quote(b"plain text ~!@#$%^&*()"), "'plain text ~!@#$%^&*()'");
    assert_eq!(quote(b"a'b\"c\\d"), r#"'a\'b"c\\d'"#);
    assert_eq!(quote(b"\n\r\t"), r"'\n\r\t'");
    assert_eq!(quote(b"]]--[["), "']]--[['");
    // Other bytes as decimal escapes, padded to three digits when a digit follows.
    assert_eq!(quote(&[0, b'7', 1, b'x', 0x7f, 0xc3, 0xa9]), r"'\0007\1x\127\195\169'");
    assert_eq!(quote(&[31, b'9']), r"'\0319'");
    assert_eq!(quote(&[200]), r"'\200'");
    let mut p = Printer::new("t.rs");
    p.block(&vec![Stmt::new(StmtKind::Call(Expr::call("f", vec![Expr::str("it's")])))]);
    assert_eq!(p.finish().code, "f('it\\'s')\n");
}

#[test]
fn visit_names_sees_every_read() {
    let f = |name: &str| Expr::call(name, vec![]);
    let block = vec![
        Stmt::new(StmtKind::Local(vec!["decl".into()], vec![n("l1")])),
        Stmt::new(StmtKind::Assign(vec![Expr::index(n("a1"), n("a2"))], vec![n("a3")])),
        Stmt::new(StmtKind::If(vec![(n("i1"), vec![Stmt::new(StmtKind::Call(f("i2")))])], Some(vec![Stmt::new(StmtKind::Call(f("i3")))]))),
        Stmt::new(StmtKind::While(n("w1"), vec![Stmt::new(StmtKind::Call(f("w2")))])),
        Stmt::new(StmtKind::Repeat(vec![Stmt::new(StmtKind::Call(f("r1")))], n("r2"))),
        Stmt::new(StmtKind::GenFor(vec!["k".into()], vec![n("g1")], vec![Stmt::new(StmtKind::Call(f("g2")))])),
        Stmt::new(StmtKind::NumFor("i".into(), n("n1"), n("n2"), Some(n("n3")), vec![Stmt::new(StmtKind::Call(f("n4")))])),
        Stmt::new(StmtKind::Do(vec![Stmt::new(StmtKind::Return(vec![n("d1")]))])),
        Stmt::new(StmtKind::LocalFunction("lf".into(), vec![], vec![Stmt::new(StmtKind::Call(f("lf1")))])),
        Stmt::new(StmtKind::Call(Expr::call(
            "c1",
            vec![
                Expr::bin(BinOp::Add, n("b1"), n("b2")),
                Expr::un(UnOp::Neg, n("u1")),
                Expr::Field(Box::new(n("f1")), "field".into()),
                n("p1").first(),
                Expr::Table(vec![n("t1")], vec![("key".into(), n("t2"))]),
                Expr::Function(vec!["q".into()], vec![Stmt::new(StmtKind::Return(vec![n("fn1")]))]),
                Expr::Nil,
                Expr::str("s"),
            ],
        ))),
        Stmt::new(StmtKind::Break),
        Stmt::new(StmtKind::Raw("raw_name()".into())),
        Stmt::new(StmtKind::Comment("comment_name".into())),
    ];
    let mut seen = Vec::new();
    visit_names(&block, &mut |name| seen.push(name.to_string()));
    assert_eq!(
        seen,
        ["l1", "a1", "a2", "a3", "i1", "i2", "i3", "w1", "w2", "r1", "r2", "g1", "g2", "n1", "n2", "n3", "n4", "d1", "lf1", "c1", "b1", "b2", "u1", "f1", "p1", "t1", "t2", "fn1"]
    );
}
