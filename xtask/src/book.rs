//! Checks of the book's Markdown sources that `mdbook build` does not make fatal.
//!
//! - Every relative link and image resolves to a file inside the book's `src` directory, and a
//!   `#fragment` names a heading of the target page.
//! - Every `{{#include path}}` / `{{#include path:anchor}}` (and `rustdoc_include`) names an
//!   existing file, and an anchor has both its `ANCHOR: name` and `ANCHOR_END: name` lines.
//! - Every code fence has a language, and a Rust fence holds nothing but includes: Rust shown in
//!   the book comes from files that are compiled and tested. Other code is labelled `text`,
//!   `lua`, `sh`, `toml`, ...
//! - Every page is listed in `SUMMARY.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

/// Checks the book whose sources are in `src`; returns the problems found, one line each,
/// prefixed with `file:line`.
pub fn check(src: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut pages = Vec::new();
    collect_markdown(src, &mut pages, &mut problems);
    pages.sort();
    if pages.is_empty() {
        problems.push(format!("{}: no Markdown pages", src.display()));
        return problems;
    }

    let mut parsed: BTreeMap<PathBuf, Page> = BTreeMap::new();
    for path in &pages {
        match fs::read_to_string(path) {
            Ok(text) => {
                parsed.insert(path.clone(), Page::parse(&text));
            }
            Err(err) => problems.push(format!("{}: cannot read: {err}", shown(src, path))),
        }
    }

    let summary = src.join("SUMMARY.md");
    if !parsed.contains_key(&summary) {
        problems.push(format!("{}: missing", summary.display()));
    }
    let mut listed = BTreeSet::new();
    let mut heading_cache: BTreeMap<PathBuf, Option<BTreeSet<String>>> = BTreeMap::new();

    for (path, page) in &parsed {
        let here = shown(src, path);
        let mut found: Vec<(usize, String)> = Vec::new();
        let dir = path.parent().unwrap_or(src);
        let is_summary = *path == summary;

        for fence in &page.fences {
            if let Some(problem) = fence.problem() {
                found.push((fence.line, format!("{here}:{}: {problem}", fence.line)));
            }
        }
        if let Some(line) = page.unclosed_fence {
            found.push((line, format!("{here}:{line}: code fence is never closed")));
        }

        for include in &page.includes {
            if let Err(problem) = check_include(dir, &include.spec) {
                found.push((include.line, format!("{here}:{}: {problem}", include.line)));
            }
        }

        for link in &page.links {
            let target = link.target.as_str();
            if target.is_empty() {
                if !is_summary {
                    found.push((
                        link.line,
                        format!("{here}:{}: empty link target", link.line),
                    ));
                }
                continue;
            }
            if has_scheme(target) {
                continue;
            }
            let (file, fragment) = match target.split_once('#') {
                Some((file, fragment)) => (file, Some(fragment)),
                None => (target, None),
            };
            let resolved = if file.is_empty() {
                path.clone()
            } else {
                normalize(&dir.join(percent_decode(file)))
            };
            if !resolved.starts_with(src) {
                found.push((
                    link.line,
                    format!(
                    "{here}:{}: `{target}` points outside the book's src directory, so it breaks \
                     in the built book (link to the repository instead)",
                    link.line
                ),
                ));
                continue;
            }
            if !resolved.exists() {
                found.push((
                    link.line,
                    format!(
                        "{here}:{}: `{target}`: {} does not exist",
                        link.line,
                        shown(src, &resolved)
                    ),
                ));
                continue;
            }
            if is_summary && !file.is_empty() {
                listed.insert(resolved.clone());
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let headings = heading_cache.entry(resolved.clone()).or_insert_with(|| {
                    if resolved.extension().is_some_and(|e| e == "md") {
                        parsed
                            .get(&resolved)
                            .map(|p| p.heading_ids.clone())
                            .or_else(|| {
                                fs::read_to_string(&resolved)
                                    .ok()
                                    .map(|t| Page::parse(&t).heading_ids)
                            })
                    } else {
                        None
                    }
                });
                if let Some(ids) = headings {
                    if !ids.contains(fragment) {
                        found.push((
                            link.line,
                            format!(
                                "{here}:{}: `{target}`: no heading with id `{fragment}` in {}",
                                link.line,
                                shown(src, &resolved)
                            ),
                        ));
                    }
                }
            }
        }
        found.sort_by_key(|(line, _)| *line);
        problems.extend(found.into_iter().map(|(_, problem)| problem));
    }

    for path in parsed.keys() {
        if *path != summary && !listed.contains(path) {
            problems.push(format!(
                "{}: not listed in SUMMARY.md, so mdbook does not build it",
                shown(src, path)
            ));
        }
    }
    problems
}

fn collect_markdown(dir: &Path, out: &mut Vec<PathBuf>, problems: &mut Vec<String>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            problems.push(format!("{}: cannot read directory: {err}", dir.display()));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_markdown(&path, out, problems);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// A path for messages: relative to the book's `src` directory when inside it.
fn shown(src: &Path, path: &Path) -> String {
    let base = src.parent().and_then(Path::parent).unwrap_or(src);
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Removes `.` and `..` components without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn has_scheme(target: &str) -> bool {
    match target.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !scheme.contains('/')
        }
        None => false,
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks `path`, `path:anchor`, `path:N`, `path:N:M` of an include, relative to `dir`.
fn check_include(dir: &Path, spec: &str) -> Result<(), String> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err("include without a path".to_owned());
    }
    let (file, selector) = match spec.split_once(':') {
        Some((file, selector)) => (file.trim(), selector.trim()),
        None => (spec, ""),
    };
    let path = dir.join(file);
    let text = fs::read_to_string(&path)
        .map_err(|err| format!("include `{spec}`: cannot read {}: {err}", path.display()))?;
    if selector.is_empty() {
        return Ok(());
    }
    if selector.chars().all(|c| c.is_ascii_digit() || c == ':') {
        let first = selector
            .split(':')
            .next()
            .and_then(|n| n.parse::<usize>().ok());
        let lines = text.lines().count();
        return match first {
            Some(n) if n > lines => Err(format!("include `{spec}`: {file} has only {lines} lines")),
            _ => Ok(()),
        };
    }
    let anchor = selector;
    if !anchor
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return Err(format!(
            "include `{spec}`: `{anchor}` is not an anchor name"
        ));
    }
    let start = find_marker(&text, "ANCHOR:", anchor);
    let end = find_marker(&text, "ANCHOR_END:", anchor);
    match (start, end) {
        (Some(s), Some(e)) if s < e => Ok(()),
        (Some(_), Some(_)) => Err(format!(
            "include `{spec}`: `ANCHOR_END: {anchor}` comes before `ANCHOR: {anchor}` in {file}"
        )),
        (None, _) => Err(format!(
            "include `{spec}`: no `ANCHOR: {anchor}` line in {file}"
        )),
        (_, None) => Err(format!(
            "include `{spec}`: no `ANCHOR_END: {anchor}` line in {file}"
        )),
    }
}

/// The line number of the first line with `marker` followed by the anchor name (as mdbook
/// reads them: `ANCHOR:\s*name` where the name ends at a character that is not a word one).
fn find_marker(text: &str, marker: &str, anchor: &str) -> Option<usize> {
    text.lines().position(|line| {
        line.match_indices(marker).any(|(at, _)| {
            // `ANCHOR:` must not be the tail of `ANCHOR_END:`.
            if marker == "ANCHOR:" && line[..at].ends_with('_') {
                return false;
            }
            let rest = line[at + marker.len()..].trim_start();
            rest.strip_prefix(anchor).is_some_and(|after| {
                !after
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
            })
        })
    })
}

// ---------------------------------------------------------------------------------------------
// A small Markdown reader: just enough structure for the checks above.

#[derive(Debug, Default)]
struct Page {
    fences: Vec<Fence>,
    unclosed_fence: Option<usize>,
    includes: Vec<Include>,
    links: Vec<Link>,
    heading_ids: BTreeSet<String>,
}

#[derive(Debug)]
struct Fence {
    line: usize,
    info: String,
    body: Vec<String>,
}

#[derive(Debug)]
struct Include {
    line: usize,
    spec: String,
}

#[derive(Debug)]
struct Link {
    line: usize,
    target: String,
}

impl Fence {
    fn problem(&self) -> Option<String> {
        let info = self.info.trim();
        let mut words = info
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|w| !w.is_empty());
        let lang = words.next().unwrap_or("").to_ascii_lowercase();
        let attrs: Vec<&str> = words.collect();
        if lang.is_empty() {
            return Some(
                "code fence without a language: label it (```text, ```lua, ```sh, ...) or \
                 include Rust from a tested file"
                    .to_owned(),
            );
        }
        if lang != "rust" && lang != "rs" {
            return None;
        }
        if attrs.iter().any(|a| a.eq_ignore_ascii_case("ignore")) {
            return Some(format!(
                "```{info} hides untested code; include the code from a compiled example \
                 instead"
            ));
        }
        let code_lines = self
            .body
            .iter()
            .filter(|l| !l.trim().is_empty() && !is_include_line(l))
            .count();
        let includes = self.body.iter().filter(|l| is_include_line(l)).count();
        if code_lines > 0 || includes == 0 {
            return Some(format!(
                "```{info} fence with hand-written code: include it from a tested file \
                 ({{{{#include ../../examples/<file>.rs:<anchor>}}}}) or label the fence \
                 ```text"
            ));
        }
        None
    }
}

fn is_include_line(line: &str) -> bool {
    let line = line.trim();
    (line.starts_with("{{#include ") || line.starts_with("{{#rustdoc_include "))
        && line.ends_with("}}")
}

impl Page {
    fn parse(text: &str) -> Page {
        let mut page = Page::default();
        let mut open: Option<(char, usize, Fence)> = None;
        let mut seen_ids: BTreeMap<String, usize> = BTreeMap::new();

        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            page.scan_includes(line, number);

            if let Some((ch, len, fence)) = open.as_mut() {
                if is_fence_close(line, *ch, *len) {
                    let (_, _, fence) = open.take().expect("an open fence");
                    page.fences.push(fence);
                } else {
                    fence.body.push(line.to_owned());
                }
                continue;
            }
            if let Some((ch, len, info)) = fence_open(line) {
                open = Some((
                    ch,
                    len,
                    Fence {
                        line: number,
                        info,
                        body: Vec::new(),
                    },
                ));
                continue;
            }
            // Indented code blocks (4 spaces) hold no links; list items nest with fewer.
            if line.starts_with("    ") && !line.trim_start().starts_with(['-', '*', '+']) {
                let trimmed = line.trim_start();
                if !trimmed.starts_with('[') && !trimmed.contains("](") {
                    continue;
                }
            }
            let visible = strip_code_spans(line);
            if let Some(id) = heading_id(&visible) {
                let count = seen_ids.entry(id.clone()).or_insert(0);
                let id = if *count == 0 {
                    id
                } else {
                    format!("{id}-{count}")
                };
                *count += 1;
                page.heading_ids.insert(id);
            }
            page.scan_links(&visible, number);
        }
        if let Some((_, _, fence)) = open {
            page.unclosed_fence = Some(fence.line);
        }
        page
    }

    fn scan_includes(&mut self, line: &str, number: usize) {
        for directive in ["{{#include ", "{{#rustdoc_include "] {
            let mut rest = line;
            while let Some(at) = rest.find(directive) {
                let escaped = rest[..at].ends_with('\\');
                let after = &rest[at + directive.len()..];
                let Some(end) = after.find("}}") else { break };
                if !escaped {
                    self.includes.push(Include {
                        line: number,
                        spec: after[..end].to_owned(),
                    });
                }
                rest = &after[end + 2..];
            }
        }
    }

    fn scan_links(&mut self, line: &str, number: usize) {
        // Reference definitions: `[name]: target`.
        let trimmed = line.trim_start();
        if line.len() - trimmed.len() <= 3 && trimmed.starts_with('[') {
            if let Some(close) = trimmed.find("]:") {
                if !trimmed[..close].contains("](") {
                    let target = trimmed[close + 2..].split_whitespace().next().unwrap_or("");
                    self.links.push(Link {
                        line: number,
                        target: target.trim_matches(['<', '>']).to_owned(),
                    });
                    return;
                }
            }
        }
        // Inline links and images: `[text](target "title")`.
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let target = if let Some(stripped) = after.strip_prefix('<') {
                stripped.split('>').next().unwrap_or("")
            } else {
                let mut depth = 0usize;
                let end = after
                    .char_indices()
                    .find(|&(_, c)| match c {
                        '(' => {
                            depth += 1;
                            false
                        }
                        ')' if depth == 0 => true,
                        ')' => {
                            depth -= 1;
                            false
                        }
                        c => c.is_whitespace(),
                    })
                    .map(|(i, _)| i)
                    .unwrap_or(after.len());
                &after[..end]
            };
            self.links.push(Link {
                line: number,
                target: target.to_owned(),
            });
            rest = after;
        }
    }
}

/// `(fence char, fence length, info string)` when the line opens a fence.
fn fence_open(line: &str) -> Option<(char, usize, String)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let trimmed = &line[indent..];
    let ch = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = trimmed.chars().take_while(|c| *c == ch).count();
    if len < 3 {
        return None;
    }
    let info = trimmed[len..].trim().to_owned();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((ch, len, info))
}

fn is_fence_close(line: &str, ch: char, len: usize) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return false;
    }
    let trimmed = line.trim();
    trimmed.chars().count() >= len && trimmed.chars().all(|c| c == ch)
}

/// The line without the contents of its inline code spans (which hold no links).
fn strip_code_spans(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        let ticks = rest[start..].chars().take_while(|c| *c == '`').count();
        let opener = &rest[start..start + ticks];
        let after = &rest[start + ticks..];
        match after.find(opener) {
            Some(end) => {
                out.push_str(&rest[..start]);
                // Keep the text for heading ids, without anything that looks like a link.
                out.push_str(&after[..end].replace("](", "] ("));
                rest = &after[end + ticks..];
            }
            None => {
                out.push_str(&rest[..start + ticks]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The id mdbook gives an ATX heading: an explicit `{#id}`, or the text lower-cased with
/// spaces turned into `-` and everything but letters, digits, `_` and `-` dropped.
fn heading_id(line: &str) -> Option<String> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let trimmed = &line[indent..];
    let level = trimmed.chars().take_while(|c| *c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let text = &trimmed[level..];
    if !text.is_empty() && !text.starts_with([' ', '\t']) {
        return None;
    }
    let mut text = text.trim().trim_end_matches('#').trim().to_owned();
    if let Some(open) = text.rfind("{#") {
        if text.ends_with('}') {
            let attrs = &text[open + 2..text.len() - 1];
            if let Some(id) = attrs.split_whitespace().next() {
                return Some(id.to_owned());
            }
        }
        text.truncate(open);
    }
    // Link text stays, link targets go: `[text](url)` reads as `text`.
    let mut plain = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("](") {
        plain.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        rest = after.find(')').map(|e| &after[e + 1..]).unwrap_or("");
    }
    plain.push_str(rest);
    let id: String = plain
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect();
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A book in a fresh temporary directory: `(book/src, examples)` of a fake repository.
    struct Fixture {
        root: PathBuf,
    }

    impl Fixture {
        fn new(files: &[(&str, &str)]) -> Fixture {
            static N: AtomicU32 = AtomicU32::new(0);
            let root = std::env::temp_dir().join(format!(
                "redlua-xtask-book-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&root);
            for (path, text) in files {
                let path = root.join(path);
                fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                fs::write(path, text).expect("write");
            }
            Fixture { root }
        }

        fn problems(&self) -> Vec<String> {
            check(&self.root.join("book/src"))
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.root);
        }
    }

    const SUMMARY: &str = "# Summary\n\n[Intro](intro.md)\n- [Start](start.md)\n";
    const EXAMPLE: &str =
        "fn main() {\n    // ANCHOR: call\n    run();\n    // ANCHOR_END: call\n}\n";

    fn book(intro: &str, start: &str) -> Fixture {
        Fixture::new(&[
            ("book/src/SUMMARY.md", SUMMARY),
            ("book/src/intro.md", intro),
            ("book/src/start.md", start),
            ("examples/quickstart.rs", EXAMPLE),
        ])
    }

    #[test]
    fn a_good_book_has_no_problems() {
        let fixture = book(
            "# Intro\n\nSee [the start](start.md#first-steps) and [below](#why-redlua).\n\n\
             ## Why redlua?\n\n```lua\nreturn 1\n```\n\n[rust]: https://www.rust-lang.org\n",
            "# Start\n\n## First steps\n\n```rust\n{{#include ../../examples/quickstart.rs:call}}\n```\n\n\
             ```sh\ncargo xtask demo\n```\n\nInline `[not](a-link.md)` code.\n",
        );
        assert_eq!(fixture.problems(), Vec::<String>::new());
    }

    #[test]
    fn broken_links_are_reported() {
        let fixture = book(
            "# Intro\n\n[gone](missing.md) [frag](start.md#nope) [out](../../README.md)\n\
             ![img](img/none.png) [ok](https://example.org/x.md)\n",
            "# Start\n",
        );
        let problems = fixture.problems();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].contains("missing.md"));
        assert!(problems[1].contains("no heading with id `nope`"));
        assert!(problems[2].contains("outside the book"));
        assert!(problems[3].contains("img/none.png"));
        assert!(
            problems[0].starts_with("book/src/intro.md:3:"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn includes_must_resolve_with_their_anchors() {
        let fixture = book(
            "# Intro\n\n```rust\n{{#include ../../examples/quickstart.rs:library}}\n```\n\n\
             ```rust\n{{#include ../../examples/nope.rs}}\n```\n\n\
             ```rust\n{{#include ../../examples/quickstart.rs:2:4}}\n```\n\n\
             \\{{#include escaped.rs}}\n",
            "# Start\n",
        );
        let problems = fixture.problems();
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].contains("no `ANCHOR: library`"));
        assert!(problems[1].contains("nope.rs"));
    }

    #[test]
    fn rust_fences_must_be_included() {
        let fixture = book(
            "# Intro\n\n```rust\nfn main() {}\n```\n\n```rust,ignore\n{{#include ../../examples/quickstart.rs:call}}\n```\n\n\
             ```\nplain\n```\n\n~~~text\nok\n~~~\n\n````rust\n{{#include ../../examples/quickstart.rs:call}}\nlet x = 1;\n````\n",
            "# Start\n\n```lua\nunclosed\n",
        );
        let problems = fixture.problems();
        assert_eq!(problems.len(), 5, "{problems:#?}");
        assert!(problems[0].contains(":3: ```rust fence with hand-written code"));
        assert!(problems[1].contains(":7: ```rust,ignore hides untested code"));
        assert!(problems[2].contains(":11: code fence without a language"));
        assert!(problems[3].contains(":19: ```rust fence with hand-written code"));
        assert!(problems[4].contains("start.md:3: code fence is never closed"));
    }

    #[test]
    fn pages_must_be_listed_in_the_summary() {
        let fixture = Fixture::new(&[
            (
                "book/src/SUMMARY.md",
                "# Summary\n\n- [Intro](intro.md)\n- [Draft]()\n",
            ),
            ("book/src/intro.md", "# Intro\n"),
            ("book/src/orphan.md", "# Orphan\n"),
        ]);
        let problems = fixture.problems();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].contains("orphan.md: not listed in SUMMARY.md"));
    }

    #[test]
    fn heading_ids_follow_mdbook() {
        assert_eq!(
            heading_id("# Getting started").as_deref(),
            Some("getting-started")
        );
        assert_eq!(
            heading_id("## Why not `WATCH`/`MULTI`?").as_deref(),
            Some("why-not-watchmulti")
        );
        assert_eq!(
            heading_id("### Calling [FCALL](https://redis.io) #").as_deref(),
            Some("calling-fcall")
        );
        assert_eq!(
            heading_id(&strip_code_spans(
                "### Optimistic transactions: `WATCH` / `MULTI` / `EXEC`"
            ))
            .as_deref(),
            Some("optimistic-transactions-watch--multi--exec")
        );
        assert_eq!(heading_id("## Custom {#my-id}").as_deref(), Some("my-id"));
        assert_eq!(heading_id("#hashtag"), None);
        assert_eq!(heading_id("    # code"), None);
    }
}
