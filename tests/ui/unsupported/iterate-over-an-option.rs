#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(k: Key) -> Vec<i64> {
        let n: Option<i64> = get::<i64>(&k);
        n.iter().map(|x| x + 1).collect()
    }
}

fn main() {}
