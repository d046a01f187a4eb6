use redlua::prelude::*;

#[redis_function]
fn greet(name: String) -> String {
    format!("hello {name}")
}

fn main() {}
