#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(i: String) -> i64 {
        let mut v = vec![1, 2];
        if let Some(x) = v.get_mut(i) {
            *x += 1;
        }
        v[0]
    }
}

fn main() {}
