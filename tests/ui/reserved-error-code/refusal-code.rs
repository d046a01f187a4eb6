// Each error code that the server uses to refuse a call it did not run: a function
// that writes and then rejects with one of them would be reported as "did not run".
#[redlua::library(name = "refusals")]
mod refusals {
    use redlua::prelude::*;

    #[redis_function]
    pub fn reject_noscript(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "NOSCRIPT", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_busy(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "BUSY", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_loading(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "LOADING", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_noperm(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "NOPERM", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_readonly(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "READONLY", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_moved(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "MOVED", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_ask(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "ASK", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_tryagain(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "TRYAGAIN", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_clusterdown(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "CLUSTERDOWN", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_masterdown(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "MASTERDOWN", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_oom(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "OOM", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_noreplicas(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "NOREPLICAS", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_execabort(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "EXECABORT", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_misconf(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "MISCONF", "refused after a write"))
    }

    #[redis_function]
    pub fn reject_crossslot(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "CROSSSLOT", "refused after a write"))
    }
}

fn main() {}
