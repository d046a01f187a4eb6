#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    pub struct Counter {
        pub hits: i64,
    }
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut c = Counter { hits: 0 };
        let x = &mut c.count;
        *x += n;
        c.hits
    }
}

fn main() {}
