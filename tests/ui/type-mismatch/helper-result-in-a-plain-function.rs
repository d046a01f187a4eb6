#[redlua::library(name = "amounts")]
mod amounts {
    use redlua::prelude::*;

    fn parse(raw: &str) -> Result<i64, Reject> {
        let n = raw.parse::<i64>().ok().ok_or(reject!("not a number: {}", raw))?;
        Ok(n)
    }

    // The helper's rejection needs a function that can reject.
    #[redis_function]
    pub fn add(k: Key, raw: String) -> i64 {
        let n = parse(&raw)?;
        incr_by(&k, n)
    }
}

fn main() {}
