#[redlua::library(name = "stats")]
mod stats {
    use redlua::prelude::*;

    fn record(key: &Key) -> i64 {
        incr(key)
    }

    #[redis_function(read_only)]
    pub fn peek(key: Key) -> i64 {
        record(&key)
    }
}

fn main() {}
