#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> usize {
        n.lines().count()
    }
}

fn main() {}
