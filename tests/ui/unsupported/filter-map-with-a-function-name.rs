#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    fn positive(x: &i64) -> Option<i64> {
        if *x > 0 { Some(*x) } else { None }
    }
    #[redis_function]
    pub fn f(v: Vec<i64>) -> Vec<i64> {
        v.iter().filter_map(positive).collect()
    }
}

fn main() {}
