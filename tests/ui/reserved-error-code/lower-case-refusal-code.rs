// Codes may be lower case (`task`), but not a refusal's code in any case.
#[redlua::library(name = "lookup")]
mod lookup {
    use redlua::prelude::*;

    #[redis_function]
    pub fn find(counter: Key) -> Result<i64, Reject> {
        incr(&counter);
        Err(reject!(code = "moved", "elsewhere"))
    }
}

fn main() {}
