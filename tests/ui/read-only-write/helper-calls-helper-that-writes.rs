#[redlua::library(name = "stats")]
mod stats {
    use redlua::prelude::*;

    fn record(key: &Key) -> i64 {
        incr(key)
    }

    fn count(key: &Key) -> i64 {
        record(key)
    }

    #[redis_function(read_only)]
    pub fn peek(key: Key) -> i64 {
        count(&key)
    }
}

fn main() {}
