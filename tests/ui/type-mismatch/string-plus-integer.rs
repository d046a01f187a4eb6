#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(s: String, n: i64) -> String {
        s + n
    }
}

fn main() {}
