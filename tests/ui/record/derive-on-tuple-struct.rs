use redlua::prelude::*;

#[derive(Record)]
struct Job(String, i64);

fn main() {}
