#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut v = vec![(1, 2), (3, 4)];
        for (a, b) in v.iter_mut() {
            *a += n;
            *b += n;
        }
        v[0].0
    }
}

fn main() {}
