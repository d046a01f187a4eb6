#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(a: i64) -> i64 {
        let mut v = vec![a, 2];
        let r: &mut Vec<i64> = &mut v;
        r.push(3);
        v.len() as i64
    }
}

fn main() {}
