//! Writes the seed corpus of the `compile` target: one file per library module,
//! free-standing `#[redis_function]` and `script!` input of the examples and tests.
//!
//! Usage: `cargo run --bin seeds [DIR]` (default `corpus/compile`).

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
    eprintln!("{} seeds written to {dir} and {mdir}", seeds.len());
    Ok(())
}
