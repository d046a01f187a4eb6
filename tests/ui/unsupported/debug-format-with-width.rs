use redlua::prelude::*;

#[redis_function]
fn show(name: String) -> String {
    format!("[{:>12?}]", name)
}

fn main() {}
