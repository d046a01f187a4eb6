#[redlua::library(name = "p")]
mod p {
    use redlua::prelude::*;

    #[redis_function]
    pub fn g(s: String) -> i64 {
        let r = s.parse::<i64>();
        match r {
            Ok(n) => n,
            Err(_) => -1,
        }
    }
}

fn main() {}
