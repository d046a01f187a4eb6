#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(s: String) -> String {
        let out = String::new();
        out.push_str(&s);
        out
    }
}

fn main() {}
