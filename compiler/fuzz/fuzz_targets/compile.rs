//! Arbitrary text as a macro input (a header line names the entry point and the
//! attribute, see `Case::from_text`); the seed corpus holds the real function sources
//! of the examples and tests (`cargo run --bin seeds`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use redlua_compiler_fuzz::harness::Case;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    redlua_compiler_fuzz::run(&Case::from_text(text));
});
