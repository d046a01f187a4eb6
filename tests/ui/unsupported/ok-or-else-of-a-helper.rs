#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    fn missing() -> Reject {
        reject!("missing")
    }

    #[redis_function]
    pub fn f(k: Key) -> Result<String, Reject> {
        let v = get::<String>(&k).ok_or_else(missing)?;
        Ok(v)
    }
}

fn main() {}
