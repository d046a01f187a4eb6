//! Prints what the compiler says about one case file (a corpus file or a crash
//! artifact of either target): its diagnostics with their spans, and the oracle's verdict.
//!
//! Usage: `cargo run --bin explain -- compile FILE` or `cargo run --bin explain -- mutate FILE`.

use proc_macro2::TokenStream;
use redlua_compiler_fuzz::harness::{self, Case, Entry, Policy};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(target), Some(path)) = (args.next(), args.next()) else {
        eprintln!("usage: explain compile|mutate FILE");
        std::process::exit(2);
    };
    let data = std::fs::read(&path).expect("readable file");
    let case = match target.as_str() {
        "mutate" => redlua_compiler_fuzz::case_from_bytes(&data).expect("at least 3 bytes"),
        _ => Case::from_text(std::str::from_utf8(&data).expect("UTF-8")),
    };
    println!("--- input ---\n{}\n", harness::as_rust_source(&case));
    let attr: TokenStream = case.attr.parse().expect("attribute lexes");
    let item: TokenStream = case.item.parse().expect("item lexes");
    let diags = match case.entry {
        Entry::Library => redlua_compiler::compile_library(attr.clone(), item.clone()).err(),
        Entry::Script => redlua_compiler::compile_script(attr.clone(), item.clone()).err(),
        Entry::Closure => None,
    };
    for d in diags.unwrap_or_default() {
        println!("diagnostic at {:?} {:?}: {}", d.span, d.span.source_text(), d);
    }
    let expanded = match case.entry {
        Entry::Library => redlua_compiler::expand_library(attr, item),
        Entry::Script => redlua_compiler::expand_script(attr, item),
        Entry::Closure => redlua_compiler::expand_script_closure(item),
    };
    print_errors(expanded);
    println!("\nverdict: {:?}", harness::check(&case, Policy::STRICT));
}

fn print_errors(ts: TokenStream) {
    let tts: Vec<_> = ts.into_iter().collect();
    for (i, tt) in tts.iter().enumerate() {
        match tt {
            proc_macro2::TokenTree::Ident(id) if id == "compile_error" => {
                if let Some(proc_macro2::TokenTree::Group(g)) = tts.get(i + 2) {
                    println!("compile_error at {:?} {:?}: {}", id.span(), id.span().source_text(), g.stream());
                }
            }
            proc_macro2::TokenTree::Group(g) => print_errors(g.stream()),
            _ => {}
        }
    }
}
