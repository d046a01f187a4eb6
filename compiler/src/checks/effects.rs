//! Effects: what a function does to the server, directly or through the helpers it
//! calls, and the two rules about them.
//!
//! - read-only (`redlua::read-only-write`): a `read_only` function sends no write command;
//! - determinism (`redlua::nondeterministic`): without the `nondeterministic` opt-in, a
//!   function sends no command whose output is nondeterministic (SPOP, RANDOMKEY, ..).
//!
//! A helper's effects are those of its body and of every helper it calls, at any depth,
//! also through recursion and mutual recursion ([`helper_effects`]). A call of a helper
//! is an effect site of the calling function, named after the helper.

use crate::diag::{Errors, Rule};
use crate::ir::*;

/// What a body (or a helper, through everything it calls) does: the first write command
/// and the first command with nondeterministic output it sends, if any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effects {
    /// The first write command.
    pub write: Option<&'static str>,
    /// The first command with nondeterministic output.
    pub nondeterministic: Option<&'static str>,
}

impl Effects {
    /// What `self` and then `other` do: the first command of each kind.
    #[must_use]
    pub fn and(self, other: Effects) -> Effects {
        Effects { write: self.write.or(other.write), nondeterministic: self.nondeterministic.or(other.nondeterministic) }
    }
}

/// The Redis command an expression sends itself, with its write and nondeterministic flags.
fn command_of(e: &Expr) -> Option<(&'static str, bool, bool)> {
    match &e.kind {
        ExprKind::Command(c) => Some((c.command.redis, c.command.is_write(), c.command.is_nondeterministic())),
        ExprKind::DynCall(c) => Some((c.spec.name, c.spec.is_write(), c.spec.is_nondeterministic())),
        ExprKind::Record(op, _) => {
            let (name, write) = op.command()?;
            Some((name, write, false))
        }
        _ => None,
    }
}

/// The effects of every helper of a chunk (indexed like `helpers`), through any depth of
/// helper calls.
///
/// Helpers may call each other, also recursively, so the summaries grow to a fixpoint:
/// each round walks every body once, adding a command sent there and the summary (so far)
/// of each helper called there; it stops when a round changes nothing. Summaries only
/// ever gain commands, and there are two per helper, so this ends.
pub fn helper_effects(helpers: &[HelperFn]) -> Vec<Effects> {
    let mut eff = vec![Effects::default(); helpers.len()];
    loop {
        let mut changed = false;
        for (i, h) in helpers.iter().enumerate() {
            let Some(body) = &h.body else { continue };
            let mut cur = eff[i];
            visit_block(body, &mut |e| {
                if let Some((name, write, nondet)) = command_of(e) {
                    cur = cur.and(Effects { write: write.then_some(name), nondeterministic: nondet.then_some(name) });
                }
                if let ExprKind::CallHelper(j, _) = &e.kind {
                    cur = cur.and(eff[*j]);
                }
            });
            if cur != eff[i] {
                eff[i] = cur;
                changed = true;
            }
        }
        if !changed {
            return eff;
        }
    }
}

/// One place of a function's body that has effects: a command it sends, or a call of a
/// helper that (somewhere down) sends one.
#[derive(Debug, Clone, Copy)]
pub struct Site {
    /// Where: the command, or the helper call.
    pub span: proc_macro2::Span,
    /// The helper called here (an index into the chunk's helpers), when the effects come
    /// through one.
    pub helper: Option<usize>,
    /// What happens here.
    pub effects: Effects,
}

/// The effect sites of a body, in the order of the body, given the helpers' effects.
pub fn sites(body: &Block, effects: &[Effects]) -> Vec<Site> {
    let mut found = Vec::new();
    visit_block(body, &mut |e| {
        if let Some((name, write, nondet)) = command_of(e) {
            found.push(Site { span: e.span, helper: None, effects: Effects { write: write.then_some(name), nondeterministic: nondet.then_some(name) } });
        } else if let ExprKind::CallHelper(i, _) = &e.kind {
            found.push(Site { span: e.span, helper: Some(*i), effects: effects[*i] });
        }
    });
    found
}

/// `redlua::read-only-write`: a `read_only` function writes nothing, itself or through a
/// helper.
pub fn read_only(f: &Function, helpers: &[HelperFn], site: &Site, errors: &mut Errors) {
    let (true, Some(cmd)) = (f.options.read_only, site.effects.write) else { return };
    let what = match site.helper.map(|i| &helpers[i].name) {
        Some(h) => format!("`{}` is declared `read_only` but calls `{h}`, which sends {cmd} (a write)", f.name),
        None => format!("{cmd} writes, but `{}` is declared `read_only`", f.name),
    };
    errors.push(Rule::ReadOnlyWrite, site.span, what, "remove `read_only` from #[redis_function(..)] (the function is then called with FCALL), or do not write here");
}

/// `redlua::nondeterministic`: without the opt-in, no command with nondeterministic output
/// is sent, by the function or by a helper it calls.
pub fn deterministic(f: &Function, helpers: &[HelperFn], site: &Site, errors: &mut Errors) {
    let (false, Some(cmd)) = (f.options.nondeterministic, site.effects.nondeterministic) else { return };
    let what = match site.helper.map(|i| &helpers[i].name) {
        Some(h) => format!("`{}` calls `{h}`, which sends {cmd} (nondeterministic output)", f.name),
        None => format!("{cmd} has nondeterministic output"),
    };
    errors.push(Rule::Nondeterministic, site.span, what, "opt in with #[redis_function(nondeterministic)] if the function really needs it");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;
    use crate::driver::{run, Input};

    /// The library `m` with `items` (helpers and redis functions) after its prelude import.
    fn library(items: &str) -> Input {
        Input::Library { attr: r#"name = "m""#.parse().unwrap(), item: format!("mod m {{ use redlua::prelude::*; {items} }}").parse().unwrap() }
    }

    /// The effects of each helper the functions of `items` reach, by name.
    fn effects_of(items: &str) -> Vec<(String, Effects)> {
        let r = run(library(items), None);
        assert!(r.diagnostics.iter().all(|(p, _)| *p != crate::driver::Phase::Lower), "{:?}", r.all_diagnostics());
        let eff = helper_effects(&r.helpers);
        let mut v: Vec<(String, Effects)> = r.helpers.iter().map(|h| h.name.clone()).zip(eff).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    fn errors_of(items: &str) -> Vec<Diagnostic> {
        match crate::compile_library(r#"name = "m""#.parse().unwrap(), format!("mod m {{ use redlua::prelude::*; {items} }}").parse().unwrap()) {
            Ok(_) => Vec::new(),
            Err(d) => d,
        }
    }

    const W: Effects = Effects { write: Some("INCR"), nondeterministic: None };
    const N: Effects = Effects { write: None, nondeterministic: Some("SRANDMEMBER") };
    const NONE: Effects = Effects { write: None, nondeterministic: None };

    #[test]
    fn a_helper_does_what_the_helpers_it_calls_do_at_any_depth() {
        let got = effects_of(
            "fn c(k: &Key) -> i64 { incr(k) }
             fn b(k: &Key) -> i64 { c(k) }
             fn a(k: &Key) -> i64 { b(k) + 1 }
             fn r(k: &Key) -> Option<String> { srandmember(k) }
             fn q(k: &Key) -> Option<String> { r(k) }
             fn p(k: &Key) -> Option<String> { q(k) }
             fn pure(x: i64) -> i64 { x * 2 }
             #[redis_function(nondeterministic)]
             pub fn f(k: Key) -> i64 { let _ = p(&k); a(&k) + pure(1) }",
        );
        let want = [("a", W), ("b", W), ("c", W), ("p", N), ("pure", NONE), ("q", N), ("r", N)];
        assert_eq!(got, want.map(|(n, e)| (n.to_string(), e)));
    }

    #[test]
    fn mutually_recursive_helpers_share_their_effects() {
        let got = effects_of(
            "fn even(k: &Key, n: i64) -> i64 { if n == 0 { 0 } else { odd(k, n - 1) } }
             fn odd(k: &Key, n: i64) -> i64 { if n == 0 { incr(k) } else { even(k, n - 1) } }
             fn again(k: &Key, n: i64) -> i64 { if n == 0 { 0 } else { again(k, n - 1) } }
             #[redis_function]
             pub fn f(k: Key) -> i64 { even(&k, 3) + again(&k, 2) }",
        );
        assert_eq!(got, [("again", NONE), ("even", W), ("odd", W)].map(|(n, e)| (n.to_string(), e)));
    }

    #[test]
    fn read_only_is_checked_through_helpers_calling_helpers() {
        let chain = "fn c(k: &Key) -> i64 { incr(k) } fn b(k: &Key) -> i64 { c(k) } fn a(k: &Key) -> i64 { b(k) }";
        for (call, helper) in [("c(&k)", "c"), ("b(&k)", "b"), ("a(&k)", "a")] {
            let errs = errors_of(&format!("{chain} #[redis_function(read_only)] pub fn peek(k: Key) -> i64 {{ {call} }}"));
            assert_eq!(errs.len(), 1, "{errs:?}");
            assert_eq!(errs[0].rule, Rule::ReadOnlyWrite);
            assert_eq!(errs[0].message, format!("`peek` is declared `read_only` but calls `{helper}`, which sends INCR (a write)"));
        }
        // Through mutual recursion.
        let errs = errors_of(
            "fn even(k: &Key, n: i64) -> i64 { if n == 0 { 0 } else { odd(k, n - 1) } }
             fn odd(k: &Key, n: i64) -> i64 { if n == 0 { incr(k) } else { even(k, n - 1) } }
             #[redis_function(read_only)] pub fn peek(k: Key) -> i64 { even(&k, 4) }",
        );
        assert_eq!(errs.iter().map(|d| (d.rule, d.message.as_str())).collect::<Vec<_>>(), [(Rule::ReadOnlyWrite, "`peek` is declared `read_only` but calls `even`, which sends INCR (a write)")]);
        // Helpers that only read are fine, at any depth.
        assert!(errors_of("fn c(k: &Key) -> i64 { get::<i64>(k).unwrap_or(0) } fn b(k: &Key) -> i64 { c(k) } #[redis_function(read_only)] pub fn peek(k: Key) -> i64 { b(&k) }").is_empty());
    }

    #[test]
    fn determinism_is_checked_through_helpers_calling_helpers() {
        let chain = "fn r(k: &Key) -> Option<String> { srandmember(k) } fn q(k: &Key) -> Option<String> { r(k) } fn p(k: &Key) -> Option<String> { q(k) }";
        for (call, helper) in [("r(&k)", "r"), ("q(&k)", "q"), ("p(&k)", "p")] {
            let errs = errors_of(&format!("{chain} #[redis_function(read_only)] pub fn pick(k: Key) -> Option<String> {{ {call} }}"));
            assert_eq!(errs.iter().map(|d| (d.rule, d.message.clone())).collect::<Vec<_>>(), [(Rule::Nondeterministic, format!("`pick` calls `{helper}`, which sends SRANDMEMBER (nondeterministic output)"))]);
            // The opt-in allows it.
            assert!(errors_of(&format!("{chain} #[redis_function(read_only, nondeterministic)] pub fn pick(k: Key) -> Option<String> {{ {call} }}")).is_empty());
        }
        let errs = errors_of(
            "fn first(k: &Key, n: i64) -> Option<String> { if n == 0 { None } else { second(k, n - 1) } }
             fn second(k: &Key, n: i64) -> Option<String> { match srandmember(k) { Some(m) => Some(m), None => first(k, n) } }
             #[redis_function(read_only)] pub fn pick(k: Key) -> Option<String> { first(&k, 3) }",
        );
        assert_eq!(errs.iter().map(|d| (d.rule, d.message.as_str())).collect::<Vec<_>>(), [(Rule::Nondeterministic, "`pick` calls `first`, which sends SRANDMEMBER (nondeterministic output)")]);
    }

    #[test]
    fn a_command_breaking_both_rules_is_reported_once_per_rule() {
        let errs = errors_of("#[redis_function(read_only)] pub fn pop(k: Key) -> Option<String> { spop(&k) }");
        assert_eq!(errs.iter().map(|d| d.rule).collect::<Vec<_>>(), [Rule::ReadOnlyWrite, Rule::Nondeterministic]);
    }
}
