#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    fn greeting() -> String {
        "hello ".to_string()
    }
    #[redis_function]
    pub fn f(s: String) -> i64 {
        greeting().push_str(&s);
        0
    }
}

fn main() {}
