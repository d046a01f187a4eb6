use redlua::prelude::*;

#[redis_function]
fn f(n: i64) -> Option<f64> {
    lua_tonumber(n)
}

fn main() {}
