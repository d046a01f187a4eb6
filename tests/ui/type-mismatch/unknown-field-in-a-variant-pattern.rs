#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    pub enum Cmd {
        Set { name: String, value: i64 },
        Clear,
    }

    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let c = Cmd::Set { name: "a".to_string(), value: n };
        match c {
            Cmd::Set { valeu, .. } => valeu,
            Cmd::Clear => 0,
        }
    }
}

fn main() {}
