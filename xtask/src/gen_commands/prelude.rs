//! `cargo xtask gen-commands --prelude`: regenerates `runtime/src/prelude/commands.rs`, the
//! runtime's typed command functions, from the compiler's command table.
//!
//! The table is Rust data in `compiler/src/commands.rs`, so the rendering lives next to it
//! (`compiler/gen/prelude_commands.rs`): this runs the compiler's example
//! `gen_prelude_commands`, which prints the file, and writes it, or with `--check` compares it
//! with the committed one. `compiler/tests/prelude_commands.rs` makes the same comparison in
//! `cargo test`.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

/// The generated file, relative to the workspace root.
const OUTPUT: &str = "runtime/src/prelude/commands.rs";

/// Writes (or with `check`, compares) the generated file.
pub fn main(root: &Path, check: bool) -> ExitCode {
    let source = match render(root) {
        Ok(source) => source,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let functions = source.lines().filter(|l| l.starts_with("pub fn ")).count();
    let path = root.join(OUTPUT);
    if check {
        let committed = fs::read_to_string(&path).unwrap_or_default();
        match first_difference(&committed, &source) {
            None => {
                println!("{OUTPUT} is up to date ({functions} typed commands)");
                ExitCode::SUCCESS
            }
            Some(line) => {
                eprintln!(
                    "{OUTPUT} is out of date with compiler/src/commands.rs (first difference at line {line}): run `cargo xtask gen-commands --prelude`"
                );
                ExitCode::FAILURE
            }
        }
    } else {
        match fs::write(&path, &source) {
            Ok(()) => {
                println!("wrote {OUTPUT}: {functions} typed commands, {} bytes", source.len());
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: cannot write {}: {err}", path.display());
                ExitCode::FAILURE
            }
        }
    }
}

/// The file as the compiler's table gives it.
fn render(root: &Path) -> Result<String, String> {
    let mut cmd = crate::cargo();
    cmd.args(["run", "--quiet", "-p", "redlua-compiler", "--example", "gen_prelude_commands"])
        .current_dir(root);
    crate::output(&mut cmd)
        .map_err(|err| format!("`cargo run -p redlua-compiler --example gen_prelude_commands` {err}"))
}

/// The first line (counted from 1) where the two texts differ; `None` when they are equal.
fn first_difference(have: &str, want: &str) -> Option<usize> {
    if have == want {
        return None;
    }
    let mut have = have.split_inclusive('\n');
    let mut want = want.split_inclusive('\n');
    let mut line = 1;
    while let (Some(h), Some(w)) = (have.next(), want.next()) {
        if h != w {
            break;
        }
        line += 1;
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_differing_line_is_found() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
        assert_eq!(first_difference("a\nb\n", "a\nc\n"), Some(2));
        assert_eq!(first_difference("a\n", "a\nb\n"), Some(2));
        assert_eq!(first_difference("a\nb\n", "a\n"), Some(2));
        assert_eq!(first_difference("a\nb", "a\nb\n"), Some(2));
        assert_eq!(first_difference("", "a\n"), Some(1));
    }
}
