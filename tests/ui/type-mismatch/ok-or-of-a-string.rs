#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(k: Key) -> Result<String, Reject> {
        let v = get::<String>(&k).ok_or("missing")?;
        Ok(v)
    }
}

fn main() {}
