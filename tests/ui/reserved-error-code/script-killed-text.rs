// The text of the server's reply for a function stopped by FUNCTION KILL: the call would be
// taken for one that wrote nothing.
#[redlua::library(name = "lookup")]
mod lookup {
    use redlua::prelude::*;

    #[redis_function]
    pub fn find(counter: Key, n: i64) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "ERR", "Script killed by user with {}", n))
    }
}

fn main() {}
