//! `cargo xtask gen-matrix [--check]`: regenerates `tests/integration/method_matrix.rs`, the
//! differential test of every builtin method on edge inputs, from the compiler's builtins
//! table.
//!
//! The rendering lives next to the table (`compiler/gen/method_matrix.rs`): this runs the
//! compiler's example `gen_method_matrix`, which prints the file, and writes it, or with
//! `--check` compares it with the committed one. `compiler/tests/method_matrix.rs` makes the
//! same comparison in `cargo test`.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

/// The generated file, relative to the workspace root.
const OUTPUT: &str = "tests/integration/method_matrix.rs";

/// Entry point of `cargo xtask gen-matrix [--check]`.
pub fn main(root: &Path, args: &[String]) -> ExitCode {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => {
            eprintln!("usage: cargo xtask gen-matrix [--check]");
            return ExitCode::from(2);
        }
    };
    let mut cmd = crate::cargo();
    cmd.args(["run", "--quiet", "-p", "redlua-compiler", "--example", "gen_method_matrix"]).current_dir(root);
    let source = match crate::output(&mut cmd) {
        Ok(source) => source,
        Err(err) => {
            eprintln!("error: `cargo run -p redlua-compiler --example gen_method_matrix` {err}");
            return ExitCode::FAILURE;
        }
    };
    let functions = source.lines().filter(|l| l.trim_start().starts_with("#[redis_function]")).count();
    let path = root.join(OUTPUT);
    if check {
        if fs::read_to_string(&path).unwrap_or_default() == source {
            println!("{OUTPUT} is up to date ({functions} functions)");
            ExitCode::SUCCESS
        } else {
            eprintln!("{OUTPUT} is out of date with compiler/src/builtins.rs: run `cargo xtask gen-matrix`");
            ExitCode::FAILURE
        }
    } else {
        match fs::write(&path, &source) {
            Ok(()) => {
                println!("wrote {OUTPUT}: {functions} functions, {} bytes", source.len());
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: cannot write {}: {err}", path.display());
                ExitCode::FAILURE
            }
        }
    }
}
