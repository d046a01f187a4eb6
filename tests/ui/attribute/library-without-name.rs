#[redlua::library]
mod nameless {
    use redlua::prelude::*;

    #[redis_function]
    pub fn one(k: Key) -> i64 {
        1
    }
}

fn main() {}
