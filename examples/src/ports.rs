//! Ports of well-known public Lua scripts, for the book's "Porting a real script" chapter.
//! Each original is in `examples/ports/*.lua`, written from the publicly known algorithm;
//! `tests/integration/ports.rs` runs each original and its port on the same random inputs
//! on one server and compares the replies and the data they leave.

pub mod claim_job;
pub mod extend_lock;
pub mod gcra;
