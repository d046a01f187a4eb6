#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> i64 {
        let mut t = 0;
        for x in v.iter().step_by(2) {
            t += x;
        }
        t
    }
}

fn main() {}
