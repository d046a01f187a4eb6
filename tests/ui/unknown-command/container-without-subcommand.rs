use redlua::prelude::*;

#[redis_function]
fn f(k: Key) -> bool {
    call!("XINFO", &k).is_nil()
}

fn main() {}
