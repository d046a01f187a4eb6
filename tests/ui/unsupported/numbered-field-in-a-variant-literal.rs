#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    pub enum Cmd {
        Add(i64),
        Clear,
    }

    #[redis_function]
    pub fn f(n: i64) -> bool {
        let c = Cmd::Add { 0: n };
        matches!(c, Cmd::Clear)
    }
}

fn main() {}
