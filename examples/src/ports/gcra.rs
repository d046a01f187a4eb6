//! A GCRA rate limiter, ported from `examples/ports/gcra.lua`.

// ANCHOR: gcra
#[redlua::library(name = "ports_gcra")]
pub mod gcra {
    use redlua::prelude::*;

    /// The retry time the reply holds when the request is allowed.
    const NO_RETRY: &str = "-1";

    // ANCHOR: positive
    /// `text` as a positive number, or the original's error reply naming the argument and
    /// the text as the caller sent it.
    fn positive(name: &str, text: &str) -> Result<f64, Reject> {
        let n = text.parse::<i64>().ok().filter(|n| *n > 0).ok_or(reject!(code = "ERR", "invalid {} {}", name, text))?;
        Ok(n as f64)
    }
    // ANCHOR_END: positive

    /// Takes `cost` from a limit of `rate` requests per `period` ms with a `burst`; `now`
    /// is the caller's clock in ms. Replies `[allowed, remaining, retry after, reset after]`.
    #[redis_function]
    pub fn allow_n(key: Key, burst: i64, rate: String, period: String, cost: i64, now: i64) -> Result<Value, Reject> {
        let rate = positive("rate", &rate)?;
        let period = positive("period", &period)?;
        let now = now as f64;

        let interval = period / rate;
        let increment = interval * cost as f64;
        let offset = interval * burst as f64;

        let tat = get::<f64>(&key).map_or(now, |tat| if tat < now { now } else { tat });

        let new_tat = tat + increment;
        let diff = now - (new_tat - offset);
        let remaining = diff / interval;

        if remaining < 0.0 {
            let retry_after = Value::bulk((-diff).to_string());
            let reset_after = Value::bulk((tat - now).to_string());
            return Ok(Value::Array(vec![Value::Int(0), Value::Int(0), retry_after, reset_after]));
        }

        let reset_after = new_tat - now;
        if reset_after > 0.0 {
            call!("SET", &key, new_tat, "PX", reset_after.ceil() as i64);
        }
        Ok(Value::Array(vec![Value::Int(cost), Value::lua_number(remaining), Value::bulk(NO_RETRY), Value::bulk(reset_after.to_string())]))
    }
}
// ANCHOR_END: gcra
