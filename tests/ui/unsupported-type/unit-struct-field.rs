#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    pub struct Job {
        pub id: i64,
        pub done: (),
    }
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let j = Job { id: n, done: () };
        j.id
    }
}

fn main() {}
