#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(n: i64) -> Result<i64, Reject> {
        let m = n.ok_or(reject!("missing"))?;
        Ok(m)
    }
}

fn main() {}
