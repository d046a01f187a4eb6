use redlua::prelude::*;

#[redis_function]
fn f(x: f64) -> Value {
    Value::Int(x)
}

fn main() {}
