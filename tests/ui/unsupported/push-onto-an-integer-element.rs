#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> Vec<i64> {
        let mut v = vec![1, 2, 3];
        for x in v.iter_mut() {
            x.push(n);
        }
        v
    }
}

fn main() {}
