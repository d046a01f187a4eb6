#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(a: Key, b: Key) -> usize {
        let v: Vec<Option<String>> = mget(&[&a, &b]);
        v.iter().filter(|x| x.is_some()).count()
    }
}

fn main() {}
