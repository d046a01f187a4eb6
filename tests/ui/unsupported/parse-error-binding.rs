#[redlua::library(name = "p")]
mod p {
    use redlua::prelude::*;

    #[redis_function]
    pub fn g(s: String) -> String {
        match s.parse::<i64>() {
            Ok(n) => n.to_string(),
            Err(e) => e.to_string(),
        }
    }
}

fn main() {}
