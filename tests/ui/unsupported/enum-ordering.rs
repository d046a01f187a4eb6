#[redlua::library(name = "prio")]
mod prio {
    use redlua::prelude::*;

    #[derive(Clone, Copy, PartialEq, PartialOrd)]
    pub enum Prio {
        Low,
        High,
    }

    #[redis_function]
    pub fn above(p: Prio) -> bool {
        p > Prio::Low
    }
}

fn main() {}
