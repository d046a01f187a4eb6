//! Prints the method matrix (`tests/integration/method_matrix.rs`) as generated from the
//! builtins table. `cargo xtask gen-matrix` runs it and writes (or, with `--check`,
//! compares) the file.

#[allow(dead_code)]
#[path = "../gen/method_matrix.rs"]
mod method_matrix;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match method_matrix::render(&redlua_compiler::builtin_rows()) {
        Ok(source) => match std::io::stdout().lock().write_all(source.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: cannot write the generated file: {err}");
                ExitCode::FAILURE
            }
        },
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
