#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(h: Key, fields: Vec<String>) -> i64 {
        hset_many(&h, fields)
    }
}

fn main() {}
