#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    pub enum Step {
        Done(()),
        Next(i64),
    }

    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let s = Step::Next(n);
        match s {
            Step::Done(_) => 0,
            Step::Next(m) => m,
        }
    }
}

fn main() {}
