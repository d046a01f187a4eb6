#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key, v: String, ttl: String) -> bool {
        set_with(&k, v, SetOptions::new().ex(ttl))
    }
}

fn main() {}
