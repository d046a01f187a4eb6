#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    pub enum Cmd {
        Add(i64),
        Clear,
    }

    #[redis_function]
    pub fn f() -> bool {
        let c = Cmd::Add;
        matches!(c, Cmd::Clear)
    }
}

fn main() {}
