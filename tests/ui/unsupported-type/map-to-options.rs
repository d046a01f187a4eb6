#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> usize {
        v.iter().map(|x| if *x > 0 { Some(*x) } else { None }).count()
    }
}

fn main() {}
