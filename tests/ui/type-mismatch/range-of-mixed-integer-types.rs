#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> i64 {
        let mut t = 0;
        let first: i64 = 1;
        for i in first..v.len() {
            t += i;
        }
        t
    }
}

fn main() {}
