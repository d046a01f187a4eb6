#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(s: String) -> Value {
        Value::Bytes(s.into_bytes())
    }
}

fn main() {}
