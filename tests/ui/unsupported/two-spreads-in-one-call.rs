#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key, members: Vec<String>) -> i64 {
        let defaults = vec!["a".to_string(), "b".to_string()];
        call!("SADD", &k, ..defaults, ..members).as_int()
    }
}

fn main() {}
