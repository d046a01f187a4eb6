#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key) -> String {
        get::<String>(&k).ok_or(reject!("missing"))?
    }
}

fn main() {}
