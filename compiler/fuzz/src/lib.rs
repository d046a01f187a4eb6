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
    Some(harness::mutate_case(seed, &mutations, data[2] % 8 == 0))
}

/// Runs the oracle and turns a violated property into a panic (a fuzzer crash) that
/// shows the input as the Rust source a user would have written.
pub fn run(case: &Case) {
    // Keep proc-macro2's table of parsed sources from growing across inputs.
    proc_macro2::extra::invalidate_current_thread_spans();
    if let Err(v) = harness::check(case, harness::Policy::TOLERANT) {
        panic!("{:?}: {}\n--- input ---\n{}", v.kind, v.message, harness::as_rust_source(case));
    }
}
