#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(values: Vec<String>) {
        mset(values)
    }
}

fn main() {}
