use redlua::prelude::*;

#[redis_function]
fn f(n: i64) -> String {
    lua_tostring(n)
}

fn main() {}
