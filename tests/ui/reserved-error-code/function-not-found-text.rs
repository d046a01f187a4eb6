// The exact text of the server's answer to FCALL of a function it does not have: the
// call would be taken for one that did not run, and sent again after loading the library.
#[redlua::library(name = "lookup")]
mod lookup {
    use redlua::prelude::*;

    #[redis_function]
    pub fn find(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "ERR", "Function not found"))
    }
}

fn main() {}
