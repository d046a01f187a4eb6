#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let pairs = vec![(n, 1)];
        let mut t = 0;
        for (a, b @ _) in pairs {
            t += a + b;
        }
        t
    }
}

fn main() {}
