use redlua::prelude::*;

#[redis_function]
fn f(k: Key, cmd: String) -> bool {
    call!(cmd, &k).is_nil()
}

fn main() {}
