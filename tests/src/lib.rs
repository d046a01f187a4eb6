//! Shared support for redlua's integration tests: hand-written Lua baselines and
//! helpers to compare a redlua function with its baseline on a real server.
