#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(mut s: String) -> String {
        *s.get_mut("a").unwrap() = 1;
        s
    }
}

fn main() {}
