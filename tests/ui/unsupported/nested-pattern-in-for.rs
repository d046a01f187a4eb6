#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let v = vec![(n, (1, 2))];
        let mut t = 0;
        for (a, (b, c)) in v {
            t += a + b + c;
        }
        t
    }
}

fn main() {}
