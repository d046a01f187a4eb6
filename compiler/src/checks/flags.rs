//! Function flags (`redlua::function-flags`): the options of `#[redis_function(..)]` that
//! become Redis function flags must fit what the body does.
//!
//! - `allow_stale` on a function that writes (itself or through a helper);
//! - `allow_oom` on a `read_only` function;
//! - `allow_cross_slot_keys` on a function that takes at most one key;
//! - `dynamic_keys` on a function that builds no key.
//!
//! `no_cluster` fits every body (it only narrows where the function may run), and
//! `dynamic_keys` implies it. The flags a function is registered with are [`redis_flags`].

use super::effects::Effects;
use crate::diag::{Errors, Rule};
use crate::ir::*;

/// Checks the flags of `f`, given everything its body does, through the helpers it
/// calls (the effects of all its [`super::effects::sites`]).
pub fn check(f: &Function, effects: Effects, errors: &mut Errors) {
    let o = &f.options;
    let span_of = |name: &str| o.spans.iter().find(|(n, _)| *n == name).map_or(f.span, |(_, s)| *s);
    if o.allow_stale {
        if let Some(w) = effects.write {
            errors.push(
                Rule::Flags,
                span_of("allow_stale"),
                format!("`allow_stale` on `{}`, which writes ({w})", f.name),
                "a stale replica refuses writes anyway: keep `allow_stale` for read-only functions",
            );
        }
    }
    if o.allow_oom && o.read_only {
        errors.push(Rule::Flags, span_of("allow_oom"), format!("`allow_oom` has no effect on the read-only `{}`", f.name), "Redis only refuses functions that may write when out of memory: remove `allow_oom`");
    }
    let many_keys = f.num_keys >= 2 || f.params.iter().any(|p| matches!(p.source, ParamSource::KeysFrom(_))) || super::keys::builds_keys(f);
    if o.allow_cross_slot_keys && !many_keys {
        errors.push(Rule::Flags, span_of("allow_cross_slot_keys"), format!("`allow_cross_slot_keys` has no effect: `{}` takes at most one key", f.name), "remove `allow_cross_slot_keys`");
    }
    if o.dynamic_keys && !super::keys::builds_keys(f) {
        errors.push(Rule::Flags, span_of("dynamic_keys"), format!("`dynamic_keys` on `{}`, which builds no key", f.name), "remove `dynamic_keys`: it makes the function cluster-unsafe (`no-cluster`) for nothing");
    }
}

/// The Redis function flags of `f`, in the order Redis lists them.
pub fn redis_flags(f: &Function) -> Vec<&'static str> {
    let mut v = Vec::new();
    if f.options.read_only {
        v.push("no-writes");
    }
    if f.options.allow_oom {
        v.push("allow-oom");
    }
    if f.options.allow_stale {
        v.push("allow-stale");
    }
    if f.options.no_cluster || f.options.dynamic_keys {
        v.push("no-cluster");
    }
    if f.options.allow_cross_slot_keys {
        v.push("allow-cross-slot-keys");
    }
    v
}
