#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(s: String, start: f64) -> String {
        s[start..].to_string()
    }
}

fn main() {}
