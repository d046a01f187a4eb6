#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> bool {
        let a = ();
        let b = ();
        a == b && n > 0
    }
}

fn main() {}
