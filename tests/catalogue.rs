//! The book's compile-error catalogue is generated from the UI tests: every case, its
//! message, its hint. This test fails when the page is out of date
//! (`REDLUA_BLESS=1 cargo test -p redlua-tests --test catalogue` rewrites it).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn page() -> String {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut rules: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    let mut dirs: Vec<_> = fs::read_dir(&ui).expect("tests/ui").flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for dir in dirs {
        let rule = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let mut cases: Vec<_> = fs::read_dir(&dir).expect("rule dir").flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "stderr")).collect();
        cases.sort();
        for stderr in cases {
            let text = fs::read_to_string(&stderr).expect("stderr");
            let first = text.lines().next().unwrap_or_default();
            let message = first.split_once(": ").map(|(_, m)| m).unwrap_or(first);
            let message = message.split_once(": ").map(|(_, m)| m).unwrap_or(message).to_string();
            // rustc's own errors (a name defined twice) have no help line: the case says
            // the fix in a `// fix:` comment.
            let source = fs::read_to_string(stderr.with_extension("rs")).unwrap_or_default();
            let hint = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("= help: "))
                .or_else(|| source.lines().find_map(|l| l.trim().strip_prefix("// fix: ")))
                .unwrap_or("")
                .to_string();
            let case = stderr.file_stem().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            rules.entry(rule.clone()).or_default().push((case, message, hint));
        }
    }
    let mut s = String::from(
        "# Compile errors\n\n\
         <!-- generated from tests/ui by tests/catalogue.rs: run it with REDLUA_BLESS=1 to update -->\n\n\
         Every compile error redlua gives names its rule (`redlua::<rule>`), points at your code\n\
         and says how to fix it. Each line below is a test case in `tests/ui/<rule>/<case>.rs`,\n\
         whose exact output is checked in `<case>.stderr`.\n",
    );
    for (rule, cases) in rules {
        s.push_str(&format!("\n## `{rule}`\n\n| case | message | fix |\n|---|---|---|\n"));
        for (case, message, hint) in cases {
            let esc = |t: &str| t.replace('|', "\\|");
            s.push_str(&format!("| `{case}` | {} | {} |\n", esc(&message), esc(&hint)));
        }
    }
    s
}

#[test]
fn the_book_lists_every_compile_error() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src/compile-errors.md");
    let want = page();
    if std::env::var_os("REDLUA_BLESS").is_some() {
        fs::write(&path, &want).expect("write the catalogue");
    }
    let have = fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(have, want, "book/src/compile-errors.md is out of date: run REDLUA_BLESS=1 cargo test -p redlua-tests --test catalogue");
}
