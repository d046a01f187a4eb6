use redlua::prelude::*;

#[redis_function]
fn read(name: String) -> Option<String> {
    get::<String>(&name)
}

fn main() {}
