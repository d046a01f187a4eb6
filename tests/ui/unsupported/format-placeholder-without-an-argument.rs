#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(a: i64) -> String {
        format!("{}-{}", a)
    }
}

fn main() {}
