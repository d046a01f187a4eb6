#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key, flag: bool) {
        call!("SET", &k, flag);
    }
}

fn main() {}
