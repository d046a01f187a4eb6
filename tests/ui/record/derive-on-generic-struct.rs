use redlua::prelude::*;

#[derive(Record)]
struct Job<T> {
    id: T,
}

fn main() {}
