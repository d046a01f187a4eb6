#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f() -> i64 {
        del(&[])
    }
}

fn main() {}
