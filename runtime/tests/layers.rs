//! The runtime's modules form layers: every `crate::` path in a file of src/ names a
//! module of a lower layer than the file's own, as listed in src/lib.rs. So no module
//! depends on one above it, and there is no import circle.
//!
//! Paths through the crate root (`crate::Library`, `crate::reject!`) count as the
//! module that defines the item. Comments and doc links are not dependencies.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// One `crate::` (or, in a `#[path]` child, `super::`) path.
#[derive(Debug)]
struct Use {
    file: String,
    line: usize,
    /// The first name after `crate::`.
    module: String,
    /// Nothing follows the name (`crate::reject`, `crate::{call, try_call}`): it may be
    /// an item of the root rather than a module.
    bare: bool,
}

impl Use {
    fn new(file: &str, line: usize, path: &str) -> Use {
        let path = path.trim();
        let module = ident(path).to_string();
        let bare = !path[module.len()..].trim_start().starts_with("::");
        Use { file: file.to_string(), line, module, bare }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The layer of each module, from the `//   N. a, b    notes` lines of lib.rs.
fn layers(lib: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.strip_prefix("//   ") else { continue };
        let Some((n, rest)) = rest.split_once(". ") else { continue };
        let Ok(n) = n.trim().parse::<usize>() else { continue };
        let names = rest.split("  ").next().unwrap_or_default();
        for name in names.split(',') {
            out.insert(name.trim().to_string(), n);
        }
    }
    out
}

/// Every `.rs` file under `dir`, with its path relative to src/.
fn files(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir).expect("src/ is readable").map(|e| e.expect("a directory entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(src()).expect("under src/").to_string_lossy().replace('\\', "/");
            out.push((rel, fs::read_to_string(&path).expect("a readable source file")));
        }
    }
}

/// The module a file belongs to: its name, or its directory's for a file in a
/// subdirectory (`prelude/commands.rs` is part of `prelude`).
fn module_of(rel: &str) -> String {
    let first = rel.split('/').next().unwrap_or(rel);
    first.trim_end_matches(".rs").to_string()
}

fn ident(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// Where the crate root's own names come from: `pub use module::{..}` in lib.rs and the
/// `#[macro_export]` macros of each file.
fn root_names(lib: &str, sources: &[(String, String)]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let Some(path) = line.trim().strip_prefix("pub use ").and_then(|p| p.strip_suffix(';')) else { continue };
        let module = ident(path).to_string();
        let rest = &path[module.len()..];
        let names: Vec<&str> = match rest.strip_prefix("::{") {
            Some(group) => group.trim_end_matches('}').split(',').map(str::trim).collect(),
            None => vec![path.rsplit("::").next().unwrap_or_default()],
        };
        for name in names {
            out.insert(name.to_string(), module.clone());
        }
    }
    for (rel, text) in sources {
        let mut exported = false;
        for line in text.lines() {
            let line = line.trim();
            if line == "#[macro_export]" {
                exported = true;
            } else if let Some(name) = line.strip_prefix("macro_rules! ").filter(|_| exported) {
                out.insert(ident(name).to_string(), module_of(rel));
                exported = false;
            }
        }
    }
    out
}

/// The modules a file uses, one entry per `crate::` path (each name of a
/// `crate::{a, b}` group counts).
fn uses(rel: &str, text: &str, path_children: &[String]) -> Vec<Use> {
    let mut out = Vec::new();
    let mut group: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        if let Some((start, mut body)) = group.take() {
            body.push(' ');
            body.push_str(code);
            match group_end(&body) {
                Some(end) => out.extend(group_uses(rel, start, &body[..end])),
                None => group = Some((start, body)),
            }
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = &rest[..at];
            rest = &rest[at + "crate::".len()..];
            if before.ends_with('$') || before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                continue; // `$crate::` (a macro's path for its user) or `some_crate::`
            }
            if let Some(inner) = rest.strip_prefix('{') {
                match group_end(inner) {
                    Some(end) => out.extend(group_uses(rel, i + 1, &inner[..end])),
                    None => group = Some((i + 1, inner.to_string())),
                }
            } else {
                out.push(Use::new(rel, i + 1, rest));
            }
        }
        // A file that another includes with `#[path]`: `super::` is its parent.
        if path_children.iter().any(|c| c == rel) && code.contains("super::") {
            out.push(Use::new(rel, i + 1, "super::"));
        }
    }
    out
}

/// Where the group of a `crate::{` that `body` follows is closed, if it is.
fn group_end(body: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The paths of a group (`a::b, c, d::{e, f}`), split at its top-level commas.
fn group_uses(rel: &str, line: usize, body: &str) -> Vec<Use> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in body.char_indices().chain([(body.len(), ',')]) {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                if !body[start..i].trim().is_empty() {
                    out.push(Use::new(rel, line, &body[start..i]));
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    out
}

/// The files included with `#[path = "x.rs"]`, with the module of the including file.
fn path_children(sources: &[(String, String)]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (rel, text) in sources {
        for line in text.lines() {
            if let Some(child) = line.trim().strip_prefix("#[path = \"").and_then(|l| l.strip_suffix("\"]")) {
                out.insert(child.to_string(), module_of(rel));
            }
        }
    }
    out
}

#[test]
fn modules_use_only_lower_layers() {
    let lib = fs::read_to_string(src().join("lib.rs")).expect("src/lib.rs");
    let layer = layers(&lib);
    assert!(layer.len() > 5, "the layer list in src/lib.rs was not found: {layer:?}");
    let mut sources = Vec::new();
    files(&src(), &mut sources);
    let roots = root_names(&lib, &sources);
    let children = path_children(&sources);
    let child_files: Vec<String> = children.keys().cloned().collect();

    let mut problems = Vec::new();
    for (rel, _) in &sources {
        let module = module_of(rel);
        if rel != "lib.rs" && !layer.contains_key(&module) {
            problems.push(format!("src/{rel}: module `{module}` is not in the layer list of src/lib.rs"));
        }
    }
    for name in layer.keys() {
        if !sources.iter().any(|(rel, _)| &module_of(rel) == name) {
            problems.push(format!("src/lib.rs lists `{name}`, which has no file in src/"));
        }
    }
    for (rel, text) in &sources {
        if rel == "lib.rs" {
            continue; // the root declares and re-exports every module
        }
        let module = module_of(rel);
        let Some(&own) = layer.get(&module) else { continue };
        for u in uses(rel, text, &child_files) {
            let used = match u.module.as_str() {
                "super" => children.get(&u.file).cloned().unwrap_or_default(),
                // `crate::call` alone is the `call!` macro, `crate::call::X` the module.
                m if u.bare && roots.contains_key(m) => roots[m].clone(),
                m if layer.contains_key(m) => m.to_string(),
                m => match roots.get(m) {
                    Some(defined_in) => defined_in.clone(),
                    None => {
                        problems.push(format!("src/{}:{}: `crate::{m}` is neither a module nor a re-export of lib.rs", u.file, u.line));
                        continue;
                    }
                },
            };
            if used == module {
                continue;
            }
            match layer.get(&used) {
                Some(&theirs) if theirs < own => {}
                Some(&theirs) => problems.push(format!(
                    "src/{}:{}: `{module}` (layer {own}) uses `{used}` (layer {theirs}): a module uses only lower layers; \
                     move what it needs down, or the module up, in the list of src/lib.rs",
                    u.file, u.line
                )),
                None => problems.push(format!("src/{}:{}: `{used}` is not in the layer list of src/lib.rs", u.file, u.line)),
            }
        }
    }
    assert!(problems.is_empty(), "module layers broken:\n{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_upward_and_grouped_uses() {
    let text = "use crate::error::Error;\n// use crate::functions; (a comment)\nuse crate::{call::Code, pipeline::{Pipeline, Replies}};\n\
                fn f() { crate::wire::req(); $crate::key::Key::new(); redis_crate::x(); }\nuse crate::{\n    Library,\n    events::Trigger,\n};\n\
                pub use crate::{reject, try_call};\n";
    let found: Vec<(usize, String, bool)> = uses("library.rs", text, &[]).into_iter().map(|u| (u.line, u.module, u.bare)).collect();
    let expected = [
        (1, "error", false),
        (3, "call", false),
        (3, "pipeline", false),
        (4, "wire", false),
        (5, "Library", true),
        (5, "events", false),
        (9, "reject", true),
        (9, "try_call", true),
    ];
    assert_eq!(found, expected.map(|(l, m, b)| (l, m.to_string(), b)));
    let child = uses("pipeline_cluster.rs", "use super::Pipeline;\n", &["pipeline_cluster.rs".to_string()]);
    assert_eq!(child.iter().map(|u| u.module.as_str()).collect::<Vec<_>>(), ["super"]);
    let roots = root_names("pub use library::{Library, Script};\npub use wire::LibraryStatus;\n", &[]);
    assert_eq!(roots.get("Library").map(String::as_str), Some("library"));
    assert_eq!(roots.get("LibraryStatus").map(String::as_str), Some("wire"));
    let listed = layers("//   1. error, key    leaves\n//   2. wire\n// 3. not a layer line\n");
    assert_eq!(listed.into_iter().collect::<Vec<_>>(), [("error".to_string(), 1), ("key".to_string(), 1), ("wire".to_string(), 2)]);
}
