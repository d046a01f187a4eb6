#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<String>) -> usize {
        v.keys().count()
    }
}

fn main() {}
