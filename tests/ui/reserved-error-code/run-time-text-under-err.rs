// An `ERR` rejection whose text starts with run-time data: the data could make it the
// server's `ERR Function not found`, and the call would be sent again.
#[redlua::library(name = "lookup")]
mod lookup {
    use redlua::prelude::*;

    #[redis_function]
    pub fn find(counter: Key, why: String) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "ERR", "{}", why))
    }
}

fn main() {}
