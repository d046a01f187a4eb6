#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    fn twice(self) -> i64 {
        2
    }

    #[redis_function]
    pub fn f() -> i64 {
        twice()
    }
}

fn main() {}
