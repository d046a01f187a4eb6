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
