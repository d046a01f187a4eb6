#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(s: String) -> Vec<String> {
        s.split(0).map(|p| p.to_string()).collect()
    }
}

fn main() {}
