use redlua::prelude::*;

#[redis_function]
fn show(name: String) -> String {
    format!("name={:?}", name)
}

fn main() {}
