//! Iterator chains: `.iter()`, `.into_iter()`, `.chars()`, `.keys()`, ... followed by
//! adapters (`map`, `filter`, `enumerate`, `rev`, `skip`, `take`, ...) and a consumer
//! (`collect`, `sum`, `count`, `any`, `all`, `find`, `position`, `max`, `min`, `fold`,
//! ...).
//!
//! A chain is never a Lua iterator object: it becomes one loop over the source (a numeric
//! `for` over a table, or over the characters of a string), with the adapters inlined in
//! the body and the consumer's accumulator in a local.

use crate::codegen::*;
use crate::diag::Rule;
use crate::ir::{self, *};
use crate::lang::closures::closure_is_quiet;
use crate::lang::loops::loop_locals;
use crate::lower::{poison, usize_ty, Lowerer};
use crate::lua::{BinOp as LB, Expr as L, Stmt as LS, StmtKind as K, UnOp as LU};
use crate::lualib::Helper;
use syn::spanned::Spanned;

impl Lowerer<'_> {
    /// An iterator chain ending in a consumer (`collect`, `sum`, `count`, `any`, ...), or,
    /// with `implicit_collect`, any chain of adapters (the iterated value of a `for`).
    pub(crate) fn iter_chain(&mut self, m: &syn::ExprMethodCall, expect: Option<&Ty>, implicit_collect: bool) -> Option<Expr> {
        const SINKS: &[&str] = &["collect", "sum", "count", "any", "all", "min", "max", "find", "position", "max_by_key", "min_by_key", "for_each"];
        const STAGES: &[&str] = &["map", "filter", "filter_map", "take_while", "skip_while", "enumerate", "take", "skip", "zip", "copied", "cloned"];
        let outer = m.method.to_string();
        let is_sink = SINKS.contains(&outer.as_str());
        let bare_source = implicit_collect && matches!(outer.as_str(), "split" | "chunks" | "lines" | "splitn" | "chars" | "keys" | "values");
        if !is_sink && !bare_source && !(implicit_collect && (STAGES.contains(&outer.as_str()) || outer == "rev")) {
            // `v.iter().last()`: name the method, not the source it is called on.
            if !implicit_collect && !STAGES.contains(&outer.as_str()) && outer != "rev" && is_iterator(&m.receiver, STAGES, false) {
                return Some(self.unsupported(
                    m.method.span(),
                    &format!("the iterator method `.{outer}()`"),
                    "iterator chains end in collect, sum, count, any, all, min, max, find, position, max_by_key, min_by_key or for_each (or are iterated by `for`), after rev (first), map, filter, filter_map, take_while, skip_while, enumerate, take, skip, zip, copied, cloned",
                ));
            }
            return None;
        }
        // Collect the chain, outermost first, down to its source.
        let mut calls: Vec<&syn::ExprMethodCall> = Vec::new();
        let mut cur = m;
        // A range is an iterator itself: `(0..n).map(..)` is `(0..n).into_iter().map(..)`.
        let mut range_source: Option<syn::ExprMethodCall> = None;
        loop {
            let name = cur.method.to_string();
            if matches!(name.as_str(), "iter" | "into_iter" | "split" | "chunks" | "lines" | "splitn" | "chars" | "keys" | "values") {
                break;
            }
            calls.push(cur);
            match &*cur.receiver {
                syn::Expr::MethodCall(inner) => cur = inner,
                other => {
                    let mut bare = other;
                    while let syn::Expr::Paren(p) = bare {
                        bare = &p.expr;
                    }
                    // `for i in (0..n).rev()` (also with `.step_by(s)` before or after the
                    // `rev`) stays a numeric `for` (lang/loops.rs).
                    let only_rev = implicit_collect && calls.iter().all(|c| c.method == "rev" || c.method == "step_by");
                    if !matches!(bare, syn::Expr::Range(_)) || only_rev {
                        return None;
                    }
                    let sp = other.span();
                    range_source = Some(syn::parse_quote_spanned!(sp=> (#other).into_iter()));
                    break;
                }
            }
        }
        let source: &syn::ExprMethodCall = match &range_source {
            Some(r) => r,
            None => cur,
        };
        let span = m.span();
        calls.reverse();
        let (sink_call, adapters) = if is_sink { (calls.pop(), calls) } else { (None, calls) };
        // Source.
        let src_name = source.method.to_string();
        // What rustc's specialisations do with the chain so far (checked against rustc
        // 1.95): `by_index` while every part is one that `zip`, `skip` and `take` reach by
        // index (`TrustedRandomAccess`: slice iterators, exclusive ranges, chunks, map,
        // enumerate, copied, cloned, skip, zip of such), so that `zip` runs no closure for
        // an element without a partner.
        let mut by_index = match src_name.as_str() {
            "iter" | "chunks" => true,
            "into_iter" => {
                let mut recv = &*source.receiver;
                while let syn::Expr::Paren(p) = recv {
                    recv = &p.expr;
                }
                matches!(recv, syn::Expr::Reference(_) | syn::Expr::Range(syn::ExprRange { limits: syn::RangeLimits::HalfOpen(_), .. }))
            }
            _ => false,
        };
        // `pulls_on`: some part pulls elements one by one whatever comes after (a filter,
        // a string or map source), so Rust's zip pulls one more element from this side
        // when the other side is shorter.
        let mut pulls_on = !matches!(src_name.as_str(), "iter" | "into_iter" | "chunks");
        // A closure before the point that may run code Rust could skip or run (a command,
        // an assignment, an error).
        let mut busy_closure = false;
        let (src, mut elem) = match src_name.as_str() {
            "iter" | "into_iter" => {
                let mut recv = &*source.receiver;
                while let syn::Expr::Paren(p) = recv {
                    recv = &p.expr;
                }
                if let syn::Expr::Range(r) = recv {
                    let (Some(a), Some(b)) = (&r.start, &r.end) else {
                        return Some(self.unsupported(r.span(), "an open range", "give both ends: `a..b`"));
                    };
                    let mut a = self.expr(a, None);
                    let mut b = self.expr(b, Some(&a.ty.clone()).filter(|t| t.is_int()));
                    // The elements have the type of the bounds.
                    let elem = match self.unify_ints(&mut a, &mut b) {
                        Some(t) if t.is_int() => t,
                        Some(_) => Ty::Int,
                        None => {
                            self.int_mismatch(r.span(), &a.ty, &b.ty);
                            Ty::Int
                        }
                    };
                    (IterSource::Range(a, b, matches!(r.limits, syn::RangeLimits::Closed(_))), elem)
                } else {
                    let v = self.expr(recv, None);
                    match v.ty.clone() {
                        Ty::Vec(t) => (IterSource::Vec(v), *t),
                        Ty::Never => (IterSource::Vec(v), Ty::Never),
                        other => {
                            let hint = match other {
                                Ty::Option(_) => "iterate over a `Vec` or a range; read an Option with `if let Some(x) = ..` or `.map(|x| ..)`",
                                Ty::Map(_) => "iterate over a map with `for (k, v) in &m`, or over `m.keys()` / `m.values()`",
                                _ => "iterate over a `Vec` or a range",
                            };
                            return Some(self.unsupported(v.span, &format!("iterating over `{other}`"), hint));
                        }
                    }
                }
            }
            "keys" | "values" => {
                // A map's keys or values, as a Vec (in the table's order; Rust's HashMap
                // order is arbitrary too).
                if !source.args.is_empty() {
                    return Some(self.arity(source.span(), &src_name, 0));
                }
                let map = self.expr(&source.receiver, None);
                let Ty::Map(vt) = map.ty.clone() else {
                    let t = map.ty.clone();
                    return Some(self.unsupported(map.span, &format!("`.{src_name}()` on `{t}`"), "keys and values are methods of a `HashMap<String, _>`"));
                };
                let (method, elem) = if src_name == "keys" { (Method::MapKeys, Ty::Str) } else { (Method::MapValues, *vt) };
                let v = self.mk(ExprKind::Method(method, vec![map]), Ty::Vec(Box::new(elem.clone())), source.span());
                (IterSource::Vec(v), elem)
            }
            "lines" | "splitn" | "chars" => {
                // The pieces, as a Vec of strings (chars are one-char strings).
                let want = if src_name == "splitn" { 2 } else { 0 };
                if source.args.len() != want {
                    return Some(self.arity(source.span(), &src_name, want));
                }
                let s = self.expr(&source.receiver, Some(&Ty::Str));
                if !s.ty.fits(&Ty::Str) {
                    let t = s.ty.clone();
                    self.err(Rule::Type, s.span, format!("`{src_name}` works on strings, found `{t}`"), format!("call `.{src_name}()` on a `String` or `&str` (`.to_string()` converts a number)"));
                }
                let sp = source.span();
                let pieces = if src_name == "lines" {
                    self.mk(ExprKind::Method(Method::StrLines, vec![s]), Ty::Vec(Box::new(Ty::Str)), sp)
                } else if src_name == "chars" {
                    self.mk(ExprKind::Method(Method::StrChars, vec![s]), Ty::Vec(Box::new(Ty::Str)), sp)
                } else {
                    let n = self.expr(&source.args[0], Some(&usize_ty()));
                    let sep = self.expr(&source.args[1], Some(&Ty::Str));
                    if !n.ty.is_int() || !sep.ty.fits(&Ty::Str) {
                        self.err(Rule::Type, sp, "`splitn` takes a count and a string separator", "write the number of pieces first, then the separator: `s.splitn(2, \",\")`");
                    }
                    if matches!(&sep.kind, ExprKind::Str(b) if b.is_empty()) {
                        self.err(Rule::Unsupported, sep.span, "splitting on an empty separator", "split on a non-empty string");
                    }
                    self.mk(ExprKind::Method(Method::StrSplitN, vec![s, n, sep]), Ty::Vec(Box::new(Ty::Str)), sp)
                };
                (IterSource::Vec(pieces), Ty::Str)
            }
            "split" => {
                if source.args.len() != 1 {
                    return Some(self.arity(source.span(), "split", 1));
                }
                let s = self.expr(&source.receiver, Some(&Ty::Str));
                let sep = self.expr(&source.args[0], Some(&Ty::Str));
                for x in [&s, &sep] {
                    if !x.ty.fits(&Ty::Str) {
                        let t = x.ty.clone();
                        self.err(Rule::Type, x.span, format!("`split` works on strings with a string separator, found `{t}`"), "split a `String` or `&str` on a string: `s.split(\",\")`");
                    }
                }
                if matches!(&sep.kind, ExprKind::Str(b) if b.is_empty()) {
                    self.err(Rule::Unsupported, sep.span, "splitting on an empty separator", "split on a non-empty string");
                }
                (IterSource::Split(s, sep), Ty::Str)
            }
            _ => {
                if source.args.len() != 1 {
                    return Some(self.arity(source.span(), "chunks", 1));
                }
                let v = self.expr(&source.receiver, None);
                let n = self.expr(&source.args[0], Some(&usize_ty()));
                let Ty::Vec(t) = v.ty.clone() else {
                    let t = v.ty.clone();
                    return Some(self.unsupported(v.span, &format!("`.chunks()` on `{t}`"), "`.chunks(n)` splits a `Vec`: `v.chunks(2)`"));
                };
                if matches!(n.kind, ExprKind::Int(0)) {
                    self.err(Rule::Type, n.span, "`chunks(0)`: a chunk size of zero", "give a chunk size of at least 1 (Rust panics on zero)");
                }
                (IterSource::Chunks(v, n), Ty::Vec(t))
            }
        };
        if matches!(elem, Ty::Option(_)) {
            return Some(self.unsupported(span, &format!("an iterator chain over `{elem}` elements"), "a Lua array cannot hold `None`: read the elements in a `for` loop (`for x in &v { if let Some(s) = x { .. } }`)"));
        }
        let mut rev = false;
        let mut stages = Vec::new();
        for (i, a) in adapters.iter().enumerate() {
            let name = a.method.to_string();
            match (name.as_str(), a.args.len()) {
                ("rev", 0) if i == 0 && matches!(src, IterSource::Vec(_) | IterSource::Range(..)) => {
                    rev = true;
                    by_index = false;
                }
                ("zip", 1) => {
                    // The other side: a Vec, or its `.iter()` / `.into_iter()`.
                    let mut other = &a.args[0];
                    // Rust zips by index only with a slice iterator on this side too.
                    let mut other_by_index = matches!(other, syn::Expr::Reference(_));
                    while let syn::Expr::MethodCall(it) = other {
                        if matches!(it.method.to_string().as_str(), "iter" | "into_iter" | "copied" | "cloned") && it.args.is_empty() {
                            other_by_index |= it.method == "iter";
                            other = &it.receiver;
                        } else {
                            break;
                        }
                    }
                    let mut bare = other;
                    while let syn::Expr::Paren(p) = bare {
                        bare = &p.expr;
                    }
                    if matches!(bare, syn::Expr::Range(_)) {
                        return Some(self.unsupported(other.span(), "zipping with a range", "zip with a Vec, or use `.enumerate()` for indices"));
                    }
                    let v = self.expr(other, None);
                    let Ty::Vec(t) = v.ty.clone() else {
                        let t = v.ty.clone();
                        return Some(self.unsupported(v.span, &format!("zipping with `{t}`"), "zip with a Vec: `a.iter().zip(b.iter())`"));
                    };
                    elem = Ty::Tuple(vec![elem, *t]);
                    // When the other side is shorter, Rust's generic zip pulls one more
                    // element from this side (running its closures) and then finds no
                    // partner; zipping by index, it stops before. Between the two (a Vec
                    // by value, an inclusive range, `rev`, `take`), the consumer decides:
                    // refused when a closure could tell.
                    let exact = by_index && other_by_index;
                    if !pulls_on && !exact && busy_closure {
                        self.unsupported(
                            a.method.span(),
                            "`zip` after a closure with effects",
                            "Rust may or may not run that closure once more for an element the other side has no partner for: zip first and map after (`a.iter().zip(b.iter()).map(..)`), over `.iter()` of Vecs or exclusive ranges",
                        );
                    }
                    by_index = exact;
                    stages.push(IterStage::Zip(v, exact && busy_closure));
                }
                // Numbers, strings, bools, unit enums and tuples or options of them are
                // values in Lua, or tables never changed in place: nothing to copy.
                ("copied" | "cloned", 0) if !crate::lang::collections::holds_tables(&elem) => {}
                // Structs, enums with data, Vecs and maps (also inside a tuple or an
                // option): each element is copied, as Rust copies or clones it (a table
                // shared with the source would change with it).
                ("copied" | "cloned", 0) => {
                    let span = a.method.span();
                    self.scopes.push(Vec::new());
                    let p = self.declare("item", elem.clone(), false);
                    self.scopes.pop();
                    let item = self.mk(ExprKind::Var(p), elem.clone(), span);
                    let copy = if matches!(elem, Ty::Option(_)) { Method::OptionDeepCopy } else { Method::DeepCopy };
                    let body = self.mk(ExprKind::Method(copy, vec![item]), elem.clone(), span);
                    let f = self.mk(ExprKind::Closure(vec![p], Box::new(body)), Ty::Fn(vec![elem.clone()], Box::new(elem.clone())), span);
                    stages.push(IterStage::Map(f));
                }
                ("enumerate", 0) => {
                    stages.push(IterStage::Enumerate);
                    elem = Ty::Tuple(vec![usize_ty(), elem]);
                }
                ("take" | "skip", 1) => {
                    let n = self.expr(&a.args[0], Some(&usize_ty()));
                    if !n.ty.is_int() {
                        let t = n.ty.clone();
                        self.err(Rule::Type, n.span, format!("expected an integer count, found `{t}`"), format!("`.{name}(n)` counts elements: give an integer (a `usize`)"));
                    }
                    if name == "take" {
                        by_index = false;
                    } else if busy_closure {
                        // Rust runs them or not depending on what comes after (a `take` or
                        // `zip` by index, an in-place `collect` of an `into_iter`).
                        self.unsupported(
                            a.method.span(),
                            "`skip` after a closure with effects",
                            "Rust may or may not run that closure for the skipped elements: skip first and map after (`v.iter().skip(n).map(..)`)",
                        );
                    }
                    stages.push(if name == "take" { IterStage::Take(n) } else { IterStage::Skip(n) });
                }
                ("filter_map" | "take_while" | "skip_while", 1) => {
                    let syn::Expr::Closure(c) = &a.args[0] else {
                        return Some(self.not_a_closure(&a.args[0], &name));
                    };
                    let f = self.closure_with(c, Some(std::slice::from_ref(&elem)));
                    let Ty::Fn(_, ret) = f.ty.clone() else { return Some(f) };
                    busy_closure |= !closure_is_quiet(&f);
                    by_index = false;
                    pulls_on = true;
                    if name == "filter_map" {
                        match *ret {
                            Ty::Option(t) => elem = *t,
                            Ty::Never => elem = Ty::Never,
                            other => {
                                self.err(Rule::Type, f.span, format!("a `filter_map` closure returns an Option, this one `{other}`"), "return `Some(value)` to keep an element, `None` to drop it");
                            }
                        }
                        stages.push(IterStage::FilterMap(f));
                    } else {
                        if !ret.fits(&Ty::Bool) {
                            self.err(Rule::Type, f.span, format!("a `{name}` closure returns `bool`, this one `{ret}`"), "return a condition, e.g. `|x| **x > 0`");
                        }
                        stages.push(if name == "take_while" { IterStage::TakeWhile(f) } else { IterStage::SkipWhile(f) });
                    }
                }
                ("map" | "filter", 1) => {
                    let syn::Expr::Closure(c) = &a.args[0] else {
                        return Some(self.not_a_closure(&a.args[0], &name));
                    };
                    let f = self.closure_with(c, Some(std::slice::from_ref(&elem)));
                    let Ty::Fn(_, ret) = f.ty.clone() else { return Some(f) };
                    if name == "map" {
                        if matches!(*ret, Ty::Option(_) | Ty::Unit) {
                            let hint = if *ret == Ty::Unit {
                                "`.map(..)` gives values: for effects, use `.for_each(|x| ..)` or a `for` loop"
                            } else {
                                "a Lua array cannot hold `None`: keep the `Some` values with `.filter_map(|x| ..)`, or write a `for` loop"
                            };
                            self.err(Rule::UnsupportedType, f.span, format!("mapping to `{ret}` is not supported here"), hint);
                        }
                        elem = *ret;
                        busy_closure |= !closure_is_quiet(&f);
                        stages.push(IterStage::Map(f));
                    } else {
                        busy_closure |= !closure_is_quiet(&f);
                        by_index = false;
                        pulls_on = true;
                        if !ret.fits(&Ty::Bool) {
                            self.err(Rule::Type, f.span, format!("a filter returns `bool`, this one `{ret}`"), "return whether to keep the element, e.g. `|x| **x > 0`");
                        }
                        stages.push(IterStage::Filter(f));
                    }
                }
                _ => return Some(self.unsupported(a.method.span(), &format!("the iterator adapter `.{name}()` here"), "supported: rev (first), map, filter, filter_map, take_while, skip_while, enumerate, take, skip, zip (with a Vec), copied, cloned")),
            }
        }
        let closure_sink = |lw: &mut Self, c: &syn::ExprMethodCall, elem: &Ty| -> Option<Expr> {
            let Some(syn::Expr::Closure(cl)) = c.args.first() else {
                match c.args.first() {
                    Some(a) => lw.not_a_closure(a, &c.method.to_string()),
                    None => lw.unsupported(c.method.span(), &format!("`.{}()` without a closure", c.method), &format!("pass a closure: `.{}(|x| ..)`", c.method)),
                };
                return None;
            };
            let f = lw.closure_with(cl, Some(std::slice::from_ref(elem)));
            if let Ty::Fn(_, r) = &f.ty {
                if !r.fits(&Ty::Bool) {
                    let r = (**r).clone();
                    lw.err(Rule::Type, f.span, format!("expected a closure returning `bool`, found `{r}`"), "return a condition, e.g. `|x| **x > 0`");
                }
            }
            Some(f)
        };
        let (sink, ty) = match sink_call {
            None => (IterSink::Collect, Ty::Vec(Box::new(elem.clone()))),
            Some(c) => match c.method.to_string().as_str() {
                "collect" => {
                    let want = match (&c.turbofish, expect) {
                        (Some(_), _) => None,
                        (None, Some(t)) => Some(t.clone()),
                        (None, None) => None,
                    };
                    let turbofish_map = c.turbofish.as_ref().is_some_and(|t| quote::ToTokens::to_token_stream(t).to_string().contains("HashMap"));
                    let turbofish_string = c.turbofish.as_ref().is_some_and(|t| quote::ToTokens::to_token_stream(t).to_string().contains("String"))
                        && !turbofish_map
                        && !c.turbofish.as_ref().is_some_and(|t| quote::ToTokens::to_token_stream(t).to_string().contains("Vec"));
                    if matches!(want, Some(Ty::Str)) || turbofish_string {
                        if elem != Ty::Str {
                            return Some(self.unsupported(c.span(), &format!("collecting `{elem}` into a String"), "collect strings or chars into a String"));
                        }
                        (IterSink::CollectString, Ty::Str)
                    } else if matches!(want, Some(Ty::Map(_))) || turbofish_map {
                        let Ty::Tuple(kv) = &elem else {
                            return Some(self.unsupported(c.span(), &format!("collecting `{elem}` into a map"), "a map is built from `(String, T)` pairs: `.map(|x| (x.to_string(), ..)).collect()`"));
                        };
                        if kv.len() != 2 || kv[0] != Ty::Str {
                            return Some(self.unsupported(c.span(), &format!("collecting `{elem}` into a map"), "a map is built from `(String, T)` pairs: `.map(|x| (x.to_string(), ..)).collect()`"));
                        }
                        (IterSink::CollectMap, Ty::Map(Box::new(kv[1].clone())))
                    } else {
                        if let Some(w) = &want {
                            if !matches!(w, Ty::Vec(_)) {
                                return Some(self.unsupported(c.span(), &format!("collecting into `{w}`"), "collect into a `Vec` or a `HashMap<String, T>`"));
                            }
                        }
                        (IterSink::Collect, Ty::Vec(Box::new(elem.clone())))
                    }
                }
                "sum" => {
                    if !matches!(elem, Ty::Int | Ty::IntN(_) | Ty::Float) {
                        return Some(self.unsupported(c.span(), &format!("summing `{elem}`"), "sum integers or floats (strings are joined by `.collect::<String>()`)"));
                    }
                    (IterSink::Sum, elem.clone())
                }
                "count" => (IterSink::Count, usize_ty()),
                "min" | "max" => {
                    if !elem.is_int() {
                        return Some(self.unsupported(c.span(), &format!("`.min()`/`.max()` of `{elem}`"), "Rust has them for integers (f64 is not Ord; strings would compare by locale in Lua)"));
                    }
                    (if c.method == "min" { IterSink::Min } else { IterSink::Max }, elem.clone().option())
                }
                "any" | "all" => {
                    let Some(f) = closure_sink(self, c, &elem) else { return Some(poison(span)) };
                    (if c.method == "any" { IterSink::Any(f) } else { IterSink::All(f) }, Ty::Bool)
                }
                "find" => {
                    let Some(f) = closure_sink(self, c, &elem) else { return Some(poison(span)) };
                    (IterSink::Find(f), elem.clone().option())
                }
                "max_by_key" | "min_by_key" | "for_each" => {
                    let Some(syn::Expr::Closure(cl)) = c.args.first().filter(|_| c.args.len() == 1) else {
                        return Some(match c.args.first() {
                            Some(a) if c.args.len() == 1 => self.not_a_closure(a, &c.method.to_string()),
                            _ => self.unsupported(c.span(), &format!("`.{}()` without a closure literal", c.method), "write the closure in place"),
                        });
                    };
                    let f = self.closure_with(cl, Some(std::slice::from_ref(&elem)));
                    let Ty::Fn(_, ret) = f.ty.clone() else { return Some(f) };
                    if c.method == "for_each" {
                        if !matches!(*ret, Ty::Unit | Ty::Never) {
                            self.err(Rule::Type, f.span, format!("a `for_each` closure returns `()`, this one `{ret}`"), "end the body's last statement with `;`: `|x| { ..; }`");
                        }
                        (IterSink::ForEach(f), Ty::Unit)
                    } else {
                        if !ret.is_int() && *ret != Ty::Never {
                            return Some(self.unsupported(f.span, &format!("`.{}()` with a key of type `{ret}`", c.method), "use an integer key (f64 is not `Ord` in Rust; Lua would compare strings by the server's locale)"));
                        }
                        let sink = if c.method == "max_by_key" { IterSink::MaxByKey(f) } else { IterSink::MinByKey(f) };
                        (sink, elem.clone().option())
                    }
                }
                _ => {
                    let Some(f) = closure_sink(self, c, &elem) else { return Some(poison(span)) };
                    (IterSink::Position(f), usize_ty().option())
                }
            },
        };
        if let (IterSink::Collect, Ty::Vec(t)) = (&sink, &ty) {
            if matches!(**t, Ty::Option(_) | Ty::Unit) {
                return Some(self.unsupported(span, &format!("collecting `{t}` values"), ""));
            }
        }
        Some(self.mk(ExprKind::Iter(Box::new(IterChain { source: src, rev, stages, sink })), ty, span))
    }

    /// Refuses `arg`, given to `.{method}()` where a closure literal is expected.
    fn not_a_closure(&mut self, arg: &syn::Expr, method: &str) -> Expr {
        let hint = match arg {
            syn::Expr::Path(p) => {
                let f = quote::ToTokens::to_token_stream(&p.path).to_string().replace(' ', "");
                format!("write a closure in place: `.{method}(|x| {f}(x))`")
            }
            _ => format!("write a closure in place: `.{method}(|x| ..)`"),
        };
        self.unsupported(arg.span(), &format!("passing a function that is not a closure literal to `.{method}()`"), &hint)
    }
}

/// True when `e` is an iterator: a source (`v.iter()`, `s.chars()`, ..) followed by
/// adapters, or a range followed by at least one (`staged`).
fn is_iterator(e: &syn::Expr, stages: &[&str], staged: bool) -> bool {
    match e {
        syn::Expr::Paren(p) => is_iterator(&p.expr, stages, staged),
        syn::Expr::Range(_) => staged,
        syn::Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if matches!(name.as_str(), "iter" | "into_iter" | "chars" | "lines" | "split" | "splitn" | "chunks") {
                true
            } else if stages.contains(&name.as_str()) || name == "rev" {
                is_iterator(&m.receiver, stages, true)
            } else {
                false
            }
        }
        _ => false,
    }
}

impl Gen<'_> {
    /// An iterator chain as one loop, as lazy as Rust's iterators: each element goes
    /// through the stages in order (filters and skips as nested `if`s); `take`, and a zip
    /// by index, stop before the next element is pulled (so no closure runs for it); the
    /// consumer leaves the loop as soon as Rust's stops pulling (`any`, `all`, `find`,
    /// `position`). `each`: the variable, body and id of the `for` loop whose body
    /// consumes the elements one at a time, between the closures' calls, as in Rust.
    pub(crate) fn iter_chain(&mut self, ch: &ir::IterChain, ty: &Ty, each: Option<(ir::VarId, &ir::Block, ir::LoopId)>, out: &mut Vec<LS>) -> L {
        use ir::{IterSink as S, IterSource as Src, IterStage as St};
        let line = self.line;
        let accn = if each.is_some() {
            L::Nil
        } else {
            let init = match &ch.sink {
                S::Collect | S::CollectMap | S::CollectString => L::Table(vec![], vec![]),
                // Rust's f64 sum starts at -0.0 (so that an empty sum is -0.0). Lua would fold a
                // `-0.0` constant into 0: compute it at run time.
                S::Sum if *ty == Ty::Float => neg_zero(),
                S::Sum => L::int(0),
                S::Count => L::int(0),
                S::Any(_) => L::Bool(false),
                S::All(_) => L::Bool(true),
                S::Min | S::Max | S::Find(_) | S::Position(_) | S::MaxByKey(_) | S::MinByKey(_) => L::Nil,
                S::ForEach(_) => L::Nil,
            };
            if matches!(ch.sink, S::ForEach(_)) {
                L::Nil
            } else {
                let acc = self.temp();
                out.push(self.stmt(K::Local(vec![acc.clone()], vec![init])));
                L::name(acc)
            }
        };
        // The key of the element kept by `max_by_key` / `min_by_key`.
        let best_key = if each.is_none() && matches!(ch.sink, S::MaxByKey(_) | S::MinByKey(_)) {
            let k = self.temp();
            out.push(self.stmt(K::Local(vec![k.clone()], vec![])));
            Some(L::name(k))
        } else {
            None
        };
        // `skip_while`: whether the closure has refused an element yet.
        let skip_done: Vec<Option<L>> = ch
            .stages
            .iter()
            .map(|st| {
                matches!(st, St::SkipWhile(_)).then(|| {
                    let d = self.temp();
                    out.push(self.stmt(K::Local(vec![d.clone()], vec![L::Bool(false)])));
                    L::name(d)
                })
            })
            .collect();
        // Counters for enumerate / take / skip / zip / position.
        let counter = |g: &mut Self, out: &mut Vec<LS>| {
            let c = g.temp();
            out.push(g.stmt(K::Local(vec![c.clone()], vec![L::int(0)])));
            L::Name(c)
        };
        let stage_counters: Vec<Option<L>> = ch.stages.iter().map(|st| if matches!(st, St::Enumerate | St::Take(_) | St::Skip(_) | St::Zip(..)) { Some(counter(self, out)) } else { None }).collect();
        let pos = if matches!(ch.sink, S::Position(_)) && each.is_none() { Some(counter(self, out)) } else { None };
        // The source's values, then the stages' (`take(n)`, `skip(n)`, `zip(v)`), each
        // computed once before the loop, in Rust's order.
        let mut es: Vec<&ir::Expr> = match &ch.source {
            Src::Vec(v) => vec![v],
            Src::Range(a, b, _) | Src::Split(a, b) | Src::Chunks(a, b) => vec![a, b],
        };
        let n_src = es.len();
        for st in &ch.stages {
            if let St::Take(n) | St::Skip(n) | St::Zip(n, _) = st {
                es.push(n);
            }
        }
        let mut vals = self.operands(&es, out);
        // A value read on every pass is kept in a local when it is computed, or when it
        // is a variable the loop could assign (Rust reads it once).
        let keep = |g: &Self, e: &ir::Expr, v: &L| !v.is_trivial() || matches!(e.kind, ExprKind::Var(x) if g.vars[x.0].mutable && !g.aliases.contains_key(&x));
        let stage_computed = vals[n_src..].iter().any(|v| !v.is_trivial());
        let every_pass = ch.rev && matches!(ch.source, Src::Vec(_));
        for i in 0..vals.len() {
            let spill = if i < n_src { (stage_computed && !vals[i].is_trivial()) || (every_pass && keep(self, es[i], &vals[i])) } else { keep(self, es[i], &vals[i]) };
            if spill {
                vals[i] = self.spill(vals[i].clone(), out);
            }
        }
        let limits: Vec<Option<L>> = {
            let mut rest = vals[n_src..].iter();
            ch.stages.iter().map(|st| if matches!(st, St::Take(_) | St::Skip(_) | St::Zip(..)) { rest.next().cloned() } else { None }).collect()
        };
        // The element: in a `for` whose stages pass elements on unchanged, the loop
        // variable itself (unless it is a `mut` range variable: Lua's numeric `for`
        // variable must not be assigned).
        let reshapes = ch.stages.iter().any(|st| matches!(st, St::Map(_) | St::FilterMap(_) | St::Enumerate | St::Zip(..)));
        let item = match each {
            Some((var, _, _)) if !(reshapes || matches!(ch.source, Src::Range(..)) && self.vars[var.0].mutable) => {
                self.locals += 1;
                self.vars[var.0].lua.clone()
            }
            _ => self.temp(),
        };
        // Checks made before an element is pulled.
        let mut top: Vec<LS> = Vec::new();
        let mut cur = L::name(item.clone());
        // The innermost block where the rest of the pipeline goes: each filter opens one.
        let mut nest: Vec<(L, Vec<LS>)> = Vec::new();
        let mut block: Vec<LS> = Vec::new();
        for (i, st) in ch.stages.iter().enumerate() {
            match st {
                St::Map(f) => {
                    let v = self.apply(f, vec![cur.clone()], &mut block);
                    cur = self.spill(v, &mut block);
                }
                St::Filter(f) => {
                    let c = self.apply(f, vec![cur.clone()], &mut block);
                    nest.push((c, std::mem::take(&mut block)));
                }
                St::FilterMap(f) => {
                    let v = self.apply(f, vec![cur.clone()], &mut block);
                    cur = self.spill(v, &mut block);
                    nest.push((L::bin(LB::Ne, cur.clone(), L::Nil), std::mem::take(&mut block)));
                }
                St::TakeWhile(f) => {
                    // Rust's `take_while` pulls no element after the first it refuses.
                    let c = self.apply(f, vec![cur.clone()], &mut block);
                    block.push(self.stmt(K::If(vec![(negate(c), vec![LS::new(K::Break)])], None)));
                }
                St::SkipWhile(f) => {
                    let Some(Some(done)) = skip_done.get(i) else { continue };
                    let mut test = Vec::new();
                    let c = self.apply(f, vec![cur.clone()], &mut test);
                    test.push(self.stmt(K::If(vec![(negate(c), vec![self.stmt(K::Assign(vec![done.clone()], vec![L::Bool(true)]))])], None)));
                    block.push(self.stmt(K::If(vec![(negate(done.clone()), test)], None)));
                    nest.push((done.clone(), std::mem::take(&mut block)));
                }
                St::Enumerate => {
                    let Some(Some(n)) = stage_counters.get(i) else { continue };
                    // The index is read before the increment.
                    let p = self.temp();
                    block.push(self.stmt(K::Local(vec![p.clone()], vec![L::Table(vec![n.clone(), cur.clone()], vec![])])));
                    block.push(self.stmt(K::Assign(vec![n.clone()], vec![L::bin(LB::Add, n.clone(), L::int(1))])));
                    cur = L::Name(p);
                }
                St::Take(_) => {
                    let (Some(Some(n)), Some(Some(lim))) = (stage_counters.get(i), limits.get(i)) else { continue };
                    // Rust's `take` stops asking for elements once it has passed `n` on.
                    top.push(self.stmt(K::If(vec![(L::bin(LB::Ge, n.clone(), lim.clone()), vec![LS::new(K::Break)])], None)));
                    block.push(self.stmt(K::Assign(vec![n.clone()], vec![L::bin(LB::Add, n.clone(), L::int(1))])));
                }
                St::Zip(_, exact) => {
                    // The k-th element that reaches the zip pairs with the k-th of the other
                    // Vec; the first that has no partner ends the chain (zipping by index,
                    // before it is pulled).
                    let (Some(Some(n)), Some(Some(other))) = (stage_counters.get(i), limits.get(i)) else { continue };
                    let next = L::bin(LB::Add, n.clone(), L::int(1));
                    let partner = if *exact {
                        top.push(self.stmt(K::If(vec![(L::bin(LB::Eq, L::index(other.clone(), next.clone()), L::Nil), vec![LS::new(K::Break)])], None)));
                        block.push(self.stmt(K::Assign(vec![n.clone()], vec![next])));
                        L::index(other.clone(), n.clone())
                    } else {
                        block.push(self.stmt(K::Assign(vec![n.clone()], vec![next])));
                        let y = self.temp();
                        block.push(self.stmt(K::Local(vec![y.clone()], vec![L::index(other.clone(), n.clone())])));
                        block.push(self.stmt(K::If(vec![(L::bin(LB::Eq, L::name(y.clone()), L::Nil), vec![LS::new(K::Break)])], None)));
                        L::name(y)
                    };
                    let p = self.temp();
                    block.push(self.stmt(K::Local(vec![p.clone()], vec![L::Table(vec![cur.clone(), partner], vec![])])));
                    cur = L::Name(p);
                }
                St::Skip(_) => {
                    let (Some(Some(n)), Some(Some(lim))) = (stage_counters.get(i), limits.get(i)) else { continue };
                    block.push(self.stmt(K::Assign(vec![n.clone()], vec![L::bin(LB::Add, n.clone(), L::int(1))])));
                    nest.push((L::bin(LB::Gt, n.clone(), lim.clone()), std::mem::take(&mut block)));
                }
            }
        }
        // The consumer.
        if let Some((var, body, id)) = each {
            let name = self.vars[var.0].lua.clone();
            if name != item {
                self.locals += 1;
                block.push(self.stmt(K::Local(vec![name], vec![cur.clone()])));
            }
            let mut flag_decl = Vec::new();
            let inner = self.loop_body(body, id, &mut flag_decl);
            self.line = line;
            out.extend(flag_decl);
            block.extend(inner);
        }
        match &ch.sink {
            _ if each.is_some() => {}
            S::Collect | S::CollectString => block.push(self.stmt(K::Assign(vec![L::index(accn.clone(), L::bin(LB::Add, L::un(LU::Len, accn.clone()), L::int(1)))], vec![cur.clone()]))),
            S::CollectMap => block.push(self.stmt(K::Assign(vec![L::index(accn.clone(), L::index(cur.clone(), L::int(1)))], vec![L::index(cur.clone(), L::int(2))]))),
            S::Sum => {
                let sum = L::bin(LB::Add, accn.clone(), cur.clone());
                let v = match narrow(ty) {
                    _ if *ty == Ty::Float => sum,
                    // Rust panics as soon as a partial sum leaves the type's range.
                    Some(k) => self.helper(Helper::IntIn, vec![sum, L::int(k.lua_bounds().0), L::int(k.lua_bounds().1)]),
                    None => self.helper(Helper::Int, vec![sum]),
                };
                block.push(self.stmt(K::Assign(vec![accn.clone()], vec![v])));
            }
            S::Count => block.push(self.stmt(K::Assign(vec![accn.clone()], vec![L::bin(LB::Add, accn.clone(), L::int(1))]))),
            S::Any(f) => {
                let c = self.apply(f, vec![cur.clone()], &mut block);
                block.push(self.stmt(K::If(vec![(c, vec![self.stmt(K::Assign(vec![accn.clone()], vec![L::Bool(true)])), LS::new(K::Break)])], None)));
            }
            S::All(f) => {
                let c = self.apply(f, vec![cur.clone()], &mut block);
                block.push(self.stmt(K::If(vec![(negate(c), vec![self.stmt(K::Assign(vec![accn.clone()], vec![L::Bool(false)])), LS::new(K::Break)])], None)));
            }
            S::Min | S::Max => {
                // Rust's `min` keeps the first of equal elements, `max` the last.
                let op = if matches!(ch.sink, S::Min) { LB::Lt } else { LB::Ge };
                let better = L::bin(LB::Or, L::bin(LB::Eq, accn.clone(), L::Nil), L::bin(op, cur.clone(), accn.clone()));
                block.push(self.stmt(K::If(vec![(better, vec![self.stmt(K::Assign(vec![accn.clone()], vec![cur.clone()]))])], None)));
            }
            S::MaxByKey(f) | S::MinByKey(f) => {
                let Some(bk) = best_key.clone() else { return accn };
                let k = self.apply(f, vec![cur.clone()], &mut block);
                let k = self.spill(k, &mut block);
                // Rust's `max_by_key` keeps the last of equal keys, `min_by_key` the first.
                let op = if matches!(ch.sink, S::MinByKey(_)) { LB::Lt } else { LB::Ge };
                let better = L::bin(LB::Or, L::bin(LB::Eq, bk.clone(), L::Nil), L::bin(op, k.clone(), bk.clone()));
                block.push(self.stmt(K::If(vec![(better, vec![self.stmt(K::Assign(vec![accn.clone(), bk], vec![cur.clone(), k]))])], None)));
            }
            S::ForEach(f) => {
                let v = self.apply(f, vec![cur.clone()], &mut block);
                if let L::Call(..) = v {
                    block.push(self.stmt(K::Call(v)));
                }
            }
            S::Find(f) => {
                let c = self.apply(f, vec![cur.clone()], &mut block);
                block.push(self.stmt(K::If(vec![(c, vec![self.stmt(K::Assign(vec![accn.clone()], vec![cur.clone()])), LS::new(K::Break)])], None)));
            }
            S::Position(f) => {
                let Some(p) = pos.clone() else { return accn };
                let c = self.apply(f, vec![cur.clone()], &mut block);
                block.push(self.stmt(K::If(vec![(c, vec![self.stmt(K::Assign(vec![accn.clone()], vec![p.clone()])), LS::new(K::Break)])], None)));
                block.push(self.stmt(K::Assign(vec![p.clone()], vec![L::bin(LB::Add, p, L::int(1))])));
            }
        }
        // Close the filters, innermost first.
        while let Some((cond, mut outer)) = nest.pop() {
            outer.push(self.stmt(K::If(vec![(cond, block)], None)));
            block = outer;
        }
        let mut body = top;
        self.line = line;
        let loop_stmt = match &ch.source {
            Src::Vec(_) => {
                let t = vals[0].clone();
                if ch.rev {
                    let i = self.temp();
                    body.push(self.stmt(K::Local(vec![item.clone()], vec![L::index(t.clone(), L::name(i.clone()))])));
                    body.append(&mut block);
                    K::NumFor(i, L::un(LU::Len, t), L::int(1), Some(L::int(-1)), body)
                } else {
                    body.append(&mut block);
                    K::GenFor(vec!["_".into(), item.clone()], vec![L::call("ipairs", vec![t])], body)
                }
            }
            Src::Range(_, _, inclusive) => {
                body.append(&mut block);
                let last = if *inclusive { vals[1].clone() } else { L::bin(LB::Sub, vals[1].clone(), L::int(1)) };
                if ch.rev {
                    K::NumFor(item.clone(), last, vals[0].clone(), Some(L::int(-1)), body)
                } else {
                    K::NumFor(item.clone(), vals[0].clone(), last, None, body)
                }
            }
            Src::Split(..) | Src::Chunks(..) => {
                body.append(&mut block);
                let h = if matches!(ch.source, Src::Split(..)) { Helper::Split } else { Helper::Chunks };
                let parts = self.helper(h, vals[..2].to_vec());
                K::GenFor(vec!["_".into(), item.clone()], vec![L::call("ipairs", vec![parts])], body)
            }
        };
        self.locals += loop_locals(&loop_stmt);
        out.push(self.stmt(loop_stmt));
        if matches!(ch.sink, S::CollectString) && each.is_none() {
            return L::call("table.concat", vec![accn]);
        }
        accn
    }
}
