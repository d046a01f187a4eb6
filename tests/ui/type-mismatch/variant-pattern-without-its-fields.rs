#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    pub enum Cmd {
        Add(i64),
        Clear,
    }

    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let c = Cmd::Add(n);
        match c {
            Cmd::Add => 1,
            Cmd::Clear => 0,
        }
    }
}

fn main() {}
