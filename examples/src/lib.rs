//! redlua examples: the atomic patterns Redis users write in Lua, written in Rust.
//!
//! Each module is one pattern; `quickstart.rs` runs them against a real server, and
//! the integration tests compare each with a hand-written Lua baseline.

pub mod banking;
pub mod capped_increment;
pub mod get_with_default;
pub mod locks;
pub mod rate_limit;
pub mod sliding_window;
pub mod token_bucket;
pub mod transfer;
