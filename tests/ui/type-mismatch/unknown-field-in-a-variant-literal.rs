#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    pub enum Cmd {
        Set { name: String, value: i64 },
        Clear,
    }

    #[redis_function]
    pub fn f(n: i64) -> bool {
        let c = Cmd::Set { name: "a".to_string(), valeu: n };
        matches!(c, Cmd::Clear)
    }
}

fn main() {}
