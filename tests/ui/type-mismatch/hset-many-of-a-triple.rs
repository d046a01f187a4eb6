#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(h: Key) -> i64 {
        hset_many(&h, &[("name", "ada", "lovelace")])
    }
}

fn main() {}
