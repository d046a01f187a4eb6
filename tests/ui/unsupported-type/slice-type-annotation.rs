#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(a: f64) -> f64 {
        let v = vec![a, 2.0];
        let s: &[f64] = &v[..];
        s[0]
    }
}

fn main() {}
