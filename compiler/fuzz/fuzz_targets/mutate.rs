//! Token-tree mutations of the real function sources: the bytes pick a seed and a list
//! of edits (drop, duplicate, swap, replace by odd tokens, regroup), so every input
//! lexes and reaches the parser and the checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(case) = redlua_compiler_fuzz::case_from_bytes(data) {
        redlua_compiler_fuzz::run(&case);
    }
});
