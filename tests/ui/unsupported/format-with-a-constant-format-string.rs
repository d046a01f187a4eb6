#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    const PATTERN: &str = "{}";
    #[redis_function]
    pub fn f(n: i64) -> String {
        format!(PATTERN, n)
    }
}

fn main() {}
