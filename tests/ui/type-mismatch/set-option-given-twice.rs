#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key, v: String) -> bool {
        set_with(&k, v, SetOptions::new().ex(10).ex(20))
    }
}

fn main() {}
