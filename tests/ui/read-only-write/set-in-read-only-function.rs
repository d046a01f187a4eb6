#[redlua::library(name = "cache")]
mod cache {
    use redlua::prelude::*;

    #[redis_function(read_only)]
    pub fn touch(key: Key) -> bool {
        set(&key, "touched");
        true
    }
}

fn main() {}
