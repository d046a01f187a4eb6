//! Support of the redlua compiler's fuzz targets: the oracle, the seeds and the
//! mutations (shared with `compiler/tests/robustness.rs`).

pub mod harness;

use harness::{Case, Mutation};
use std::sync::OnceLock;

/// The seed cases of the repository (its examples and tests), read once.
pub fn seeds() -> &'static [Case] {
    static SEEDS: OnceLock<Vec<Case>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = harness::workspace_root(env!("CARGO_MANIFEST_DIR"));
        let seeds = harness::seeds(&root);
        assert!(!seeds.is_empty(), "no seed sources found under {}", root.display());
        seeds
    })
}

/// A case made from fuzz bytes: two bytes pick a seed, one byte says whether the
/// attribute is mutated too, and each following five bytes are one mutation.
pub fn case_from_bytes(data: &[u8]) -> Option<Case> {
    if data.len() < 3 {
        return None;
    }
    let seeds = seeds();
    let seed = &seeds[u16::from_le_bytes([data[0], data[1]]) as usize % seeds.len()];
    let mutations: Vec<Mutation> = data[3..].chunks_exact(5).take(64).map(|c| Mutation::from_bytes([c[0], c[1], c[2], c[3], c[4]])).collect();
    Some(harness::mutate_case(seed, &mutations, data[2].is_multiple_of(8)))
}

thread_local! {
    /// The input being checked, shown when the compiler panics.
    static CURRENT: std::cell::RefCell<Option<Case>> = const { std::cell::RefCell::new(None) };
}

/// Makes panics of the compiler show the input (as the Rust source a user would have
/// written) and lets the panics of known bugs unwind to [`run`] instead of aborting.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = harness::panic_message(info.payload());
            let known = CURRENT.with(|c| c.borrow().as_ref().and_then(|case| harness::KnownBug::explaining_panic(case, &message)));
            if known.is_some() {
                return;
            }
            CURRENT.with(|c| {
                if let Some(case) = c.borrow().as_ref() {
                    eprintln!("--- input ---\n{}\n---", harness::as_rust_source(case));
                }
            });
            previous(info);
        }));
    });
}

/// Runs the oracle and turns a violated property into a panic (a fuzzer crash) that
/// shows the input as the Rust source a user would have written. Panics of known bugs
/// are tolerated, like their violations.
pub fn run(case: &Case) {
    install_panic_hook();
    // Keep proc-macro2's table of parsed sources from growing across inputs.
    proc_macro2::extra::invalidate_current_thread_spans();
    CURRENT.with(|c| *c.borrow_mut() = Some(case.clone()));
    match std::panic::catch_unwind(|| harness::check(case, harness::Policy::TOLERANT)) {
        Ok(Ok(_)) => {}
        Ok(Err(v)) => panic!("{:?}: {}", v.kind, v.message),
        // Only known panics get here: the hook aborts on the others.
        Err(_) => {}
    }
}
