#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut t = 0;
        for i in 0..limit {
            t += i.len() as i64;
        }
        t + n
    }
}

fn main() {}
