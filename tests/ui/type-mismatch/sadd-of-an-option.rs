#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(set: Key, member: Option<String>) -> i64 {
        sadd(&set, member)
    }
}

fn main() {}
