use redlua::prelude::*;

// DEL takes keys: a Vec of strings spread there would be keys nobody declared.
#[redis_function]
fn f(first: Key, names: Vec<String>) -> Value {
    call!("DEL", &first, ..names)
}

fn main() {}
