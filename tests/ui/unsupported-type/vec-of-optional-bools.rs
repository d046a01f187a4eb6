use redlua::prelude::*;

#[redis_function]
fn f(a: bool) -> Vec<Option<bool>> {
    Vec::new()
}

fn main() {}
