//! Prints the runtime's typed commands (`runtime/src/prelude/commands.rs`) as generated from
//! the compiler's command table. `cargo xtask gen-commands` runs it and writes (or, with
//! `--check`, compares) the file.

#[allow(dead_code)]
#[path = "../gen/prelude_commands.rs"]
mod prelude_commands;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match prelude_commands::render(redlua_compiler::commands::COMMANDS, prelude_commands::DOCS) {
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
