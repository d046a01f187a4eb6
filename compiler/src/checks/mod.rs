//! Checks over the typed IR: the rules of redlua that are about what a function does as a
//! whole rather than about the type of one expression. One module per rule family:
//!
//! - [`keys`]: where keys come from (the KEYS discipline): keys built in the body
//!   (`dynamic_keys`), keys derived from a key parameter (`derive`);
//! - [`effects`]: what the body does to the server, through any depth of helper calls:
//!   read-only and determinism;
//! - [`flags`]: the function flags fit the body (`allow_stale`, `allow_oom`,
//!   `allow_cross_slot_keys`, `dynamic_keys`).
//!
//! The [`crate::driver`] runs them between lowering and code generation. The key checks
//! run over every function and helper that lowered, also when lowering found errors
//! elsewhere, and their diagnostics join lowering's (so that a key error is reported with
//! the type errors); the other checks run once lowering succeeded.
//!
//! To add a rule: name it in [`crate::diag::Rule`]; if it needs a fact only lowering
//! sees, have lowering record the fact in the IR (as [`crate::ir::KeyOrigin`]) rather
//! than judge it; write the check in its family's module here and call it from
//! [`check_chunk`] (or from the driver next to [`keys::check`]); give each diagnostic a
//! UI case in `tests/ui/<rule>/` and the check unit tests that fail when it is weakened.

pub mod effects;
pub mod flags;
pub mod keys;
pub use crate::ir::{visit_block, visit_expr};

use crate::diag::Errors;
use crate::ir::{Function, HelperFn};

/// Runs the checks that follow lowering (effects and flags) on the functions of one chunk
/// (a library, or a script's one function), given the helpers they share.
pub fn check_chunk(functions: &[Function], helpers: &[HelperFn], errors: &mut Errors) {
    let helper_effects = effects::helper_effects(helpers);
    for f in functions {
        check_with(f, helpers, &helper_effects, errors);
    }
}

/// Runs every check that follows lowering on `f`, given the helper functions of its chunk.
pub fn check_function(f: &Function, helpers: &[HelperFn], errors: &mut Errors) {
    check_with(f, helpers, &effects::helper_effects(helpers), errors);
}

fn check_with(f: &Function, helpers: &[HelperFn], helper_effects: &[effects::Effects], errors: &mut Errors) {
    let sites = effects::sites(&f.body, helper_effects);
    let mut all = effects::Effects::default();
    for s in &sites {
        all = all.and(s.effects);
    }
    flags::check(f, all, errors);
    // One pass over the sites for both effect rules, so that a command breaking both is
    // reported once per rule at its place, in the order of the body.
    for s in &sites {
        effects::read_only(f, helpers, s, errors);
        effects::deterministic(f, helpers, s, errors);
    }
}
