#[redlua::library(name = "levels")]
mod levels {
    use redlua::prelude::*;

    #[derive(Clone, Copy, PartialEq)]
    pub enum Level {
        Low = 1,
        High = 10,
    }

    #[redis_function]
    pub fn high(n: i64) -> bool {
        let l = if n > 5 { Level::High } else { Level::Low };
        l == Level::High
    }
}

fn main() {}
