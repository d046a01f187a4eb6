#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut v = vec![1, 2];
        if let Some(&mut x) = v.get_mut(0) {
            return x + n;
        }
        n
    }
}

fn main() {}
