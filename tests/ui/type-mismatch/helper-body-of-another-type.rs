#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    fn label(n: i64) -> String {
        let m = n + 1;
        m
    }

    #[redis_function]
    pub fn f(n: i64) -> String {
        label(n)
    }
}

fn main() {}
