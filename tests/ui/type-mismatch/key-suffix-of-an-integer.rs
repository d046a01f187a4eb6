#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(queue: Key, n: i64) -> i64 {
        llen(&queue.derive(n))
    }
}

fn main() {}
