#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> u32 {
        let m: u32 = n as _;
        m
    }
}

fn main() {}
