#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(s: String) -> usize {
        s.chunks(2).count()
    }
}

fn main() {}
