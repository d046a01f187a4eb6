use redlua::prelude::*;

#[redis_function]
fn reload(code: String) -> bool {
    call!("FUNCTION", "LOAD", &code).is_ok()
}

fn main() {}
