#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(z: Key) -> Vec<String> {
        zrange(&z, "0", "100", ZRangeOptions::new().by_score().limit(10))
    }
}

fn main() {}
