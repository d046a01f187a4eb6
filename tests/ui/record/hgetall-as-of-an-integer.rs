#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key) -> Result<bool, Reject> {
        let n = hgetall_as::<i64>(&k)?;
        Ok(n.is_some())
    }
}

fn main() {}
