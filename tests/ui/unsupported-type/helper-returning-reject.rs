#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    fn negative() -> Reject {
        reject!("negative")
    }

    #[redis_function]
    pub fn f(n: i64) -> Result<i64, Reject> {
        if n < 0 {
            return Err(negative());
        }
        Ok(n)
    }
}

fn main() {}
