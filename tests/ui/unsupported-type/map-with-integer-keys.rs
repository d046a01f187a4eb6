use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> std::collections::HashMap<i64, i64> {
    std::collections::HashMap::new()
}

fn main() {}
