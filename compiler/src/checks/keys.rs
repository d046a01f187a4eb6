//! The KEYS discipline: every key a function touches is declared, so that Redis (and
//! Redis Cluster, which routes a call by its keys) knows what the call touches.
//!
//! A key reaches a body in one of three ways, each with its rule:
//!
//! - a `Key` parameter (or a `Vec<Key>` taking the remaining ones): sent in KEYS;
//! - derived from a key with `key.derive(suffix)`: in the base key's slot when the base
//!   carries a hash tag; the KEYS positions used as bases are [`derive_bases`], which
//!   the client checks in a cluster;
//! - built from a string (`Key::new(s)`, `Key::from(s)`): only with
//!   `#[redis_function(dynamic_keys)]`, which registers the function `no-cluster`
//!   ([`builds_keys`]); never in a helper. Any other `Key::..` call is refused.
//!
//! Lowering records where the body makes keys ([`KeyOrigin`], in
//! [`Function::key_origins`]) and [`check`] judges them. The other half of the
//! discipline is a matter of types, checked where lowering types a command's arguments:
//! a key position takes a `Key` (`redlua::not-a-key`), and a `Key` is not data
//! (`redlua::key-as-data`). Their diagnostics are made here, so that the wording of
//! the whole rule is in one file.

use crate::diag::{Errors, Rule};
use crate::ir::*;
use proc_macro2::Span;

/// The hint of a key built in a body without the opt-in.
const BUILT_HINT: &str = "declare the key as a `Key` parameter so that it is sent in KEYS (Redis Cluster routes calls by them), derive it from one with `key.derive(\"suffix\")`, or opt in with #[redis_function(dynamic_keys)], which makes the function cluster-unsafe";

/// The hint for a value that is not a key in a key position.
const KEY_HINT: &str = "take the key as a `Key` parameter of the function: keys travel in KEYS so that Redis and Redis Cluster know what a call touches";

/// The hint for a key passed as data.
const DATA_HINT: &str = "only key positions take `Key`s; to send a key's name as data (a member, a channel, a field's value), write `key.name()`: the key stays declared";

/// Checks where the keys of `functions` and of their `helpers` come from
/// (`redlua::dynamic-key`). Runs on whatever lowered, also when lowering found errors.
pub fn check(functions: &[Function], helpers: &[HelperFn], errors: &mut Errors) {
    for f in functions {
        built_keys(&f.key_origins, f.options.dynamic_keys, errors);
    }
    for h in helpers {
        // A helper is not registered with Redis: it has no flags to opt in with.
        built_keys(&h.key_origins, false, errors);
    }
}

fn built_keys(origins: &[KeyOrigin], allowed: bool, errors: &mut Errors) {
    for o in origins {
        match *o {
            KeyOrigin::Built(span) if !allowed => built_key(span, errors),
            KeyOrigin::OtherConstructor(span) => built_key(span, errors),
            KeyOrigin::Built(_) | KeyOrigin::Derived { .. } => {}
        }
    }
}

fn built_key(span: Span, errors: &mut Errors) {
    errors.push(Rule::DynamicKey, span, "a key built inside the function body", BUILT_HINT);
}

/// True when `f` builds keys from strings (`dynamic_keys`).
pub fn builds_keys(f: &Function) -> bool {
    f.key_origins.iter().any(|o| matches!(o, KeyOrigin::Built(_)))
}

/// The KEYS positions (1-based, ascending) whose keys `f` derives other keys from: in a
/// cluster they must carry a hash tag. A base that is not read straight from a `Key`
/// parameter could be any of them: then every position is a base.
///
/// Keys derived in a helper count as if derived at each call: a helper that derives from
/// its `i`-th parameter makes the `i`-th argument of the call a base (the KEYS position
/// when that argument is a `Key` parameter read straight, every position otherwise), at
/// any depth of helper calls; one that derives from anything else makes every position one.
pub fn derive_bases(f: &Function, helpers: &[HelperFn]) -> Vec<usize> {
    let summaries = helper_bases(helpers);
    let mut bases = Bases::default();
    let params: Vec<VarId> = f.params.iter().map(|p| p.var).collect();
    let body_bases = |origins: &[KeyOrigin], body: Option<&Block>, bases: &mut Bases| bases_of(origins, body, &params, &summaries, bases);
    body_bases(&f.key_origins, Some(&f.body), &mut bases);
    if bases.any {
        return (1..=f.num_keys).collect();
    }
    let position = |i: usize| match f.params[i].source {
        ParamSource::Key(k) => Some(k),
        _ => None,
    };
    let mut out = std::collections::BTreeSet::new();
    for i in bases.params {
        match position(i) {
            Some(k) => {
                out.insert(k);
            }
            // A `Vec<Key>` (or any other parameter a key may come from): any position.
            None => return (1..=f.num_keys).collect(),
        }
    }
    out.into_iter().collect()
}

/// Which keys a body derives other keys from: some of its parameters (by index), or
/// `any` key.
#[derive(Debug, Clone, Default, PartialEq)]
struct Bases {
    params: std::collections::BTreeSet<usize>,
    any: bool,
}

/// The [`Bases`] of each helper's parameters, through helpers calling helpers (to a
/// fixpoint: summaries only grow, and are bounded by the parameters).
fn helper_bases(helpers: &[HelperFn]) -> Vec<Bases> {
    let mut summaries = vec![Bases::default(); helpers.len()];
    loop {
        let mut changed = false;
        for (i, h) in helpers.iter().enumerate() {
            let mut b = summaries[i].clone();
            bases_of(&h.key_origins, h.body.as_ref(), &h.params, &summaries, &mut b);
            if b != summaries[i] {
                summaries[i] = b;
                changed = true;
            }
        }
        if !changed {
            return summaries;
        }
    }
}

/// Adds to `bases` what a body with parameters `params` derives keys from: its own
/// `derive` calls (`origins`) and its calls of helpers (summarised in `summaries`).
fn bases_of(origins: &[KeyOrigin], body: Option<&Block>, params: &[VarId], summaries: &[Bases], bases: &mut Bases) {
    let param_of = |e: Option<VarId>| e.and_then(|v| params.iter().position(|p| *p == v));
    for o in origins {
        if let KeyOrigin::Derived { base, .. } = *o {
            match param_of(base) {
                Some(i) => {
                    bases.params.insert(i);
                }
                None => bases.any = true,
            }
        }
    }
    let Some(body) = body else { return };
    visit_block(body, &mut |e| {
        let ExprKind::CallHelper(j, args) = &e.kind else { return };
        let Some(callee) = summaries.get(*j) else { return };
        bases.any |= callee.any;
        for &i in &callee.params {
            let arg = args.get(i).and_then(|a| match &a.kind {
                ExprKind::Var(v) => Some(*v),
                _ => None,
            });
            match param_of(arg) {
                Some(k) => {
                    bases.params.insert(k);
                }
                None => bases.any = true,
            }
        }
    });
}

/// `redlua::not-a-key`: a value of type `found` where `command` takes a key;
/// `argument` is its position among the arguments of a `call!`.
pub(crate) fn not_a_key(errors: &mut Errors, span: Span, command: &str, found: &Ty, argument: Option<usize>) {
    let message = match argument {
        Some(i) => format!("argument {i} of {command} is a key, found `{found}`"),
        None => format!("{command} expects a key here, found `{found}`"),
    };
    errors.push(Rule::NotAKey, span, message, KEY_HINT);
}

/// `redlua::not-a-key`: a value of type `found` where `command` takes one or more keys.
pub(crate) fn not_keys(errors: &mut Errors, span: Span, command: &str, found: &Ty) {
    errors.push(Rule::NotAKey, span, format!("{command} expects keys here, found `{found}`"), "pass a `Key`, an array of keys `&[&a, &b]` or a `Vec<Key>`");
}

/// `redlua::key-as-data`: a key where `command` takes data; `argument` is its position
/// among the arguments of a `call!`.
pub(crate) fn key_as_data(errors: &mut Errors, span: Span, command: &str, argument: Option<usize>) {
    let message = match argument {
        Some(i) => format!("a key passed to {command} as data (argument {i})"),
        None => format!("a key passed to {command} as data"),
    };
    errors.push(Rule::KeyAsData, span, message, DATA_HINT);
}

/// `redlua::key-as-data`: a method called on a key (other than `derive` and `clone`).
pub(crate) fn method_on_key(errors: &mut Errors, span: Span, method: &str) {
    errors.push(Rule::KeyAsData, span, format!("`.{method}()` on a key"), "keys are opaque inside a redis function: pass them to commands, derive keys with `.derive(\"suffix\")`, or take the name as a `String` with `.name()`");
}

/// `redlua::dynamic-key`: the key positions of a `call!` depend on run-time values
/// (`why`), so its keys cannot be checked.
pub(crate) fn key_positions_unknown(errors: &mut Errors, span: Span, command: &str, why: &dyn std::fmt::Display) {
    errors.push(Rule::DynamicKey, span, format!("the key positions of this {command} call depend on run-time values: {why}"), "write the key count and keywords as literals, so that every key can be checked");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;
    use crate::driver::{run, Input, Phase};

    fn library(items: &str) -> Input {
        Input::Library { attr: r#"name = "m""#.parse().unwrap(), item: format!("mod m {{ use redlua::prelude::*; {items} }}").parse().unwrap() }
    }

    /// The lowered functions of a library that compiles.
    fn functions(items: &str) -> Vec<Function> {
        let r = run(library(items), None);
        assert!(r.diagnostics.is_empty() && r.printed.is_some(), "{:?}", r.all_diagnostics());
        r.functions
    }

    fn errors(items: &str) -> Vec<(Phase, Rule, String)> {
        run(library(items), None).diagnostics.into_iter().map(|(p, Diagnostic { rule, message, .. })| (p, rule, message)).collect()
    }

    #[test]
    fn derive_bases_are_the_key_parameters_keys_are_derived_from() {
        let fs = functions(
            "#[redis_function] pub fn one(a: Key, b: Key, c: Key) -> i64 { incr(&c.derive(\":x\")) + incr(&a.derive(\":y\")) + incr(&c.derive(\":z\")) + incr(&b) }
             #[redis_function] pub fn none(a: Key, b: Key) -> i64 { incr(&a) + incr(&b) }
             #[redis_function] pub fn moved(a: Key, b: Key) -> i64 { let k = b.clone(); incr(&k.derive(\":x\")) + incr(&a) }",
        );
        assert_eq!(derive_bases(&fs[0], &[]), [1, 3]);
        assert_eq!(derive_bases(&fs[1], &[]), Vec::<usize>::new());
        // A base not read straight from a parameter could be any key.
        assert_eq!(derive_bases(&fs[2], &[]), [1, 2]);
    }

    /// The derive bases of each function of a library that compiles, with its helpers.
    fn bases(items: &str) -> Vec<Vec<usize>> {
        let r = run(library(items), None);
        assert!(r.diagnostics.is_empty() && r.printed.is_some(), "{:?}", r.all_diagnostics());
        r.functions.iter().map(|f| derive_bases(f, &r.helpers)).collect()
    }

    #[test]
    fn keys_derived_in_helpers_count_at_each_call() {
        let helpers = "fn waiting(q: &Key) -> Key { q.derive(\":waiting\") }
             fn push(q: &Key, v: &str) -> i64 { lpush(&waiting(q), v) }
             fn twice(a: &Key, b: &Key, v: &str) -> i64 { push(b, v) + incr(a) }
             fn local(q: &Key) -> i64 { let k = q.clone(); incr(&k.derive(\":n\")) }";
        let got = bases(&format!(
            "{helpers}
             #[redis_function] pub fn direct(a: Key, b: Key) -> i64 {{ incr(&a) + lpush(&waiting(&b), \"x\") }}
             #[redis_function] pub fn deep(a: Key, b: Key, c: Key) -> i64 {{ twice(&a, &c, \"x\") + incr(&b) }}
             #[redis_function] pub fn through_a_local(a: Key, b: Key) -> i64 {{ local(&b) + incr(&a) }}
             #[redis_function] pub fn moved(a: Key, b: Key) -> i64 {{ let q = a.clone(); push(&q, \"x\") + incr(&b) }}
             #[redis_function] pub fn none(a: Key) -> i64 {{ incr(&a) }}"
        ));
        // `waiting(&b)`: KEYS[2]; `twice` pushes to its second key: KEYS[3], two helpers deep.
        assert_eq!(got[0], [2]);
        assert_eq!(got[1], [3]);
        // A base that is not a parameter read straight, in the helper or at the call: any key.
        assert_eq!(got[2], [1, 2]);
        assert_eq!(got[3], [1, 2]);
        assert_eq!(got[4], Vec::<usize>::new());
        // Recursive helpers reach their fixpoint.
        let got = bases(
            "fn even(k: &Key, n: i64) -> i64 { if n == 0 { incr(&k.derive(\":e\")) } else { odd(k, n - 1) } }
             fn odd(k: &Key, n: i64) -> i64 { if n == 0 { 0 } else { even(k, n - 1) } }
             #[redis_function] pub fn f(a: Key, b: Key) -> i64 { odd(&b, 3) + incr(&a) }",
        );
        assert_eq!(got[0], [2]);
    }

    #[test]
    fn a_key_built_from_a_string_needs_the_opt_in() {
        let body = "incr(&Key::new(format!(\"user:{u}\")))";
        let fs = functions(&format!("#[redis_function(dynamic_keys)] pub fn visits(u: String) -> i64 {{ {body} }}"));
        assert!(builds_keys(&fs[0]));
        assert!(crate::checks::flags::redis_flags(&fs[0]).contains(&"no-cluster"));
        let msg = "a key built inside the function body".to_string();
        assert_eq!(errors(&format!("#[redis_function] pub fn visits(u: String) -> i64 {{ {body} }}")), [(Phase::Lower, Rule::DynamicKey, msg.clone())]);
        // Never in a helper, and never by another constructor.
        let helper = "fn visit(u: &str) -> i64 { incr(&Key::new(u)) } #[redis_function(dynamic_keys)] pub fn visits(u: String) -> i64 { visit(&u) + incr(&Key::new(u)) }";
        assert_eq!(errors(helper), [(Phase::Lower, Rule::DynamicKey, msg.clone())]);
        assert_eq!(errors("#[redis_function(dynamic_keys)] pub fn f(k: Key) -> i64 { incr(&Key::default()) + incr(&k) }"), [(Phase::Lower, Rule::DynamicKey, msg)]);
    }

    #[test]
    fn key_errors_come_with_the_other_errors_of_lowering() {
        let got = errors("#[redis_function] pub fn f(u: String) -> i64 { let x: i64 = \"a\"; incr(&Key::new(u)) + x }");
        assert_eq!(got.iter().map(|(p, r, _)| (*p, *r)).collect::<Vec<_>>(), [(Phase::Lower, Rule::Type), (Phase::Lower, Rule::DynamicKey)]);
    }

    #[test]
    fn keys_and_data_keep_their_positions() {
        let got = errors("#[redis_function] pub fn f(k: Key, s: String) -> i64 { set(&k, &k); incr(&s) }");
        assert_eq!(
            got.iter().map(|(_, r, m)| (*r, m.as_str())).collect::<Vec<_>>(),
            [(Rule::KeyAsData, "a key passed to SET as data"), (Rule::NotAKey, "INCR expects a key here, found `String`")]
        );
        let got = errors("#[redis_function] pub fn f(k: Key, s: String) -> i64 { call!(\"SET\", &s, &k); 1 }");
        assert_eq!(
            got.iter().map(|(_, r, m)| (*r, m.as_str())).collect::<Vec<_>>(),
            [(Rule::NotAKey, "argument 1 of SET is a key, found `String`"), (Rule::KeyAsData, "a key passed to SET as data (argument 2)")]
        );
    }
}
