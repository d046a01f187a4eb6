//! Writes the seed corpus of the `compile` target: one file per library module,
//! free-standing `#[redis_function]` and `script!` input of the examples and tests.
//!
//! Usage: `cargo run --bin seeds [DIR]` (default `corpus/compile`); also writes the
//! `mutate` target's seeds beside it (`corpus/mutate`) and a dictionary
//! (`corpus/compile.dict`).

use redlua_compiler_fuzz::harness;

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/compile").to_string());
    std::fs::create_dir_all(&dir)?;
    let seeds = redlua_compiler_fuzz::seeds();
    for (i, case) in seeds.iter().enumerate() {
        std::fs::write(format!("{dir}/seed-{i:04}"), case.to_text())?;
    }
    // The mutate target's inputs: each seed unmutated, then with one edit.
    let mdir = format!("{dir}/../mutate");
    std::fs::create_dir_all(&mdir)?;
    for i in 0..seeds.len() {
        let [a, b] = (i as u16).to_le_bytes();
        std::fs::write(format!("{mdir}/seed-{i:04}"), [a, b, 1])?;
        std::fs::write(format!("{mdir}/seed-{i:04}-edit"), [a, b, 1, 3, a, b, 7, 0])?;
    }
    // A libFuzzer dictionary for the compile target (`-dict=corpus/compile.dict`): the odd
    // tokens and fragments of function sources.
    let fragments = [
        "#[redis_function]", "#[redis_function(read_only)]", "library name = \"x\"\n", "script\n", "closure\n", "mod m {",
        "use redlua::prelude::*;", "pub fn", "-> i64", "-> Option<i64>", "-> Result<i64, Reject>", "k: Key", "n: i64",
        "s: String", "&k", ".unwrap_or(0)", ".to_string()", "::<i64>", "|x|", "=> ", "if let Some(", "while let ",
        "for i in 0..", "let mut ", "?;", "k.derive(\":x\")", "format!(\"{}\", ", "call!(\"", "try_call!(\"", "reject!(\"",
    ];
    let mut dict = String::from("# libFuzzer dictionary of the compile target (written by the seeds bin)\n");
    for w in harness::ODD_TOKENS.iter().chain(fragments.iter()) {
        let escaped: String = w.bytes().map(|b| if b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b) { format!("\\x{b:02x}") } else { (b as char).to_string() }).collect();
        dict.push_str(&format!("\"{escaped}\"\n"));
    }
    let dict_path = format!("{dir}/../compile.dict");
    std::fs::write(&dict_path, dict)?;
    eprintln!("{} seeds written to {dir} and {mdir}, dictionary {dict_path}", seeds.len());
    Ok(())
}
