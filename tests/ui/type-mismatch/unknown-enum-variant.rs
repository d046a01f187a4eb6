#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    pub enum State {
        Idle,
        Busy,
    }

    #[redis_function]
    pub fn f() -> bool {
        let s = State::Running;
        matches!(s, State::Idle)
    }
}

fn main() {}
