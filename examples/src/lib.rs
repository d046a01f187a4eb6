//! redlua examples: the atomic patterns Redis users write in Lua, written in Rust.
//!
//! The pattern modules (`transfer`, `locks`, `rate_limit`, ...) are one pattern each;
//! `quickstart.rs` runs them against a real server, and the integration tests compare
//! each with a hand-written Lua baseline. The others (`three_ways`, `job_queue`,
//! `recovery`, `migrating`, `operations`) hold the code the book shows, run by
//! `tests/integration/book_examples.rs`.

pub mod banking;
pub mod capped_increment;
pub mod get_with_default;
pub mod job_queue;
pub mod record_queue;
pub mod locks;
pub mod migrating;
pub mod operations;
pub mod ports;
pub mod rate_limit;
pub mod recovery;
pub mod sliding_window;
pub mod three_ways;
pub mod token_bucket;
pub mod transfer;
