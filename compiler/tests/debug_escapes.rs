//! `compiler/lualib/debug_escapes.lua` is what Rust's own `{:?}` escapes: rendered again
//! from this toolchain and compared with the committed file. `REDLUA_REGEN=1` writes it.

#[path = "../gen/debug_escapes.rs"]
mod gen;

use std::path::Path;

#[test]
fn the_committed_table_is_what_rust_escapes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("lualib/debug_escapes.lua");
    let fresh = gen::render();
    if std::env::var_os("REDLUA_REGEN").is_some() {
        std::fs::write(&path, &fresh).expect("lualib/ is writable");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == fresh, "compiler/lualib/debug_escapes.lua is stale: run `REDLUA_REGEN=1 cargo test -p redlua-compiler --test debug_escapes`");
}

#[test]
fn the_ranges_cover_what_the_lua_escapes_by_name_and_nothing_ascii() {
    let ranges = gen::escaped_ranges();
    // U+0080..U+009F are controls, U+00A0 (no-break space) and U+00AD (soft hyphen) are
    // not printable, U+0300 is the first Grapheme_Extend char, U+00A1 and U+00E9 are
    // printable; the private use area and the last plane's end are escaped.
    let escaped = |cp: u32| ranges.iter().any(|(a, b)| (*a..=*b).contains(&cp));
    assert!(escaped(0x80) && escaped(0xA0) && escaped(0xAD) && escaped(0xE000) && escaped(0x300) && escaped(0x10FFFF));
    assert!(!escaped(0xA1) && !escaped(0xE9) && !escaped(0x4E2D) && !escaped(0x1F600));
    assert!(ranges.windows(2).all(|w| w[0].1 + 1 < w[1].0), "ranges sorted and apart");
}
