#[redlua::library(name = "h")]
mod h {
    use redlua::prelude::*;
    fn check(n: i64) -> Result<i64, Reject> {
        Ok(n)
    }
    #[redis_function]
    pub fn f(a: i64) -> i64 {
        check(a).unwrap_or(0)
    }
}

fn main() {}
