//! Compile-error tests: every diagnostic of redlua, one case each, grouped by rule
//! (`ui/<rule>/<case>.rs` with the expected `.stderr`).

#[test]
fn compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*/*.rs");
}
