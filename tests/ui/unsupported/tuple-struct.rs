#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    pub struct Meters(pub i64);
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let m: Meters = Meters(n);
        n
    }
}

fn main() {}
