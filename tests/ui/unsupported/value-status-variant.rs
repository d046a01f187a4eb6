use redlua::prelude::*;

#[redis_function]
fn f(s: String) -> Value {
    Value::Status(s)
}

fn main() {}
