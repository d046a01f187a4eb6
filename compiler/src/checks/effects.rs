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

use super::visit::visit_block;
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
