#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(n: i64, at: String) -> i64 {
        let mut v = vec![n, n];
        v[at] += 1;
        v[0]
    }
}

fn main() {}
