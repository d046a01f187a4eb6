#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    pub enum Cmd {
        Add(i64),
        Clear,
    }

    #[redis_function]
    pub fn f(a: i64, b: i64) -> bool {
        let c = Cmd::Add(a, b);
        matches!(c, Cmd::Clear)
    }
}

fn main() {}
