#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<String>) -> String {
        v.iter().cloned().sum()
    }
}

fn main() {}
