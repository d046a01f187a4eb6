//! Snapshots of the Lua that redlua generates for every example. A change in codegen
//! shows up here as a diff to review; CI fails on any unreviewed change.

use redlua_examples::{banking, capped_increment, get_with_default, locks, rate_limit, sliding_window, token_bucket, transfer};

// ANCHOR: snapshot
#[test]
fn library_bank() {
    insta::assert_snapshot!("bank", transfer::bank::LUA);
}
// ANCHOR_END: snapshot

#[test]
fn library_banking() {
    insta::assert_snapshot!("banking", banking::banking::LUA);
}

#[test]
fn library_locks() {
    insta::assert_snapshot!("locks", locks::locks::LUA);
}

#[test]
fn library_buckets() {
    insta::assert_snapshot!("buckets", token_bucket::buckets::LUA);
}

#[test]
fn library_windows() {
    insta::assert_snapshot!("windows", sliding_window::windows::LUA);
}

#[test]
fn library_kv() {
    insta::assert_snapshot!("kv", get_with_default::kv::LUA);
}

#[test]
fn script_capped_increment() {
    insta::assert_snapshot!("capped_increment", capped_increment::capped_increment::LUA);
}

#[test]
fn script_fixed_window() {
    insta::assert_snapshot!("fixed_window", rate_limit::fixed_window::LUA);
}

/// The output is deterministic: the same source gives the same bytes and SHA1.
#[test]
fn script_sha1_matches_its_code() {
    let s = &capped_increment::capped_increment::SCRIPT;
    assert_eq!(s.sha1(), redlua_compiler::sha1_hex(s.code()));
    assert_eq!(transfer::bank::LIBRARY.stamp(), redlua_compiler::sha1_hex(transfer::bank::LUA));
}

/// The Lua of the language constructs that have no example of their own (labelled loops,
/// bit operations, format specs, optional arguments, slicing, coded rejections, the entry
/// idiom), compiled from source so that the diff of a codegen change shows here too.
#[test]
fn library_constructs() {
    let attr = r#"name = "constructs""#.parse().unwrap();
    let item = r#"
        mod constructs {
            use redlua::prelude::*;
            use std::collections::HashMap;

            #[redis_function(read_only)]
            pub fn search(n: i64, target: i64) -> i64 {
                let mut found = -1;
                'outer: for i in 0..n {
                    for j in 0..n {
                        if i * j == target {
                            found = i;
                            break 'outer;
                        }
                        if j > i {
                            continue 'outer;
                        }
                    }
                }
                found
            }

            #[redis_function(read_only)]
            pub fn bits(a: i64, b: i64, shift: Option<i64>) -> (i64, i64, String) {
                let s = shift.unwrap_or(1);
                (a & !b, (a | b) >> s, format!("{:08.3}|{:>6}", a as f64 / 7.0, b))
            }

            #[redis_function]
            pub fn tally(counts: Key, text: String) -> Result<i64, Reject> {
                let Some((head, tail)) = text.split_once(':') else {
                    return Err(reject!(code = "ERR", "expected head:tail"));
                };
                let mut seen: HashMap<String, i64> = HashMap::new();
                for w in tail.split(',') {
                    *seen.entry(w.to_string()).or_insert(0) += 1;
                }
                let short = &head[..head.len().min(3)];
                Ok(hincr_by(&counts, short, seen.len() as i64))
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("constructs", lib.lua);
}

/// The Lua of records (`#[derive(Record)]`): a typed read of a hash with its rejection,
/// a write of the whole record, and a record reply.
#[test]
fn library_records() {
    let attr = r#"name = "records""#.parse().unwrap();
    let item = r#"
        mod records {
            use redlua::prelude::*;

            #[derive(Record, Clone)]
            pub struct Job {
                pub id: String,
                pub attempts: u32,
                pub score: f64,
                pub done: bool,
                pub owner: Option<String>,
            }

            #[redis_function]
            pub fn claim(job: Key, owner: String) -> Result<Option<Job>, Reject> {
                let Some(found) = hgetall_as::<Job>(&job)? else {
                    return Ok(None);
                };
                let mut j = found;
                j.attempts += 1;
                j.owner = Some(owner);
                hset_record(&job, &j);
                Ok(Some(j))
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("records", lib.lua);
}
