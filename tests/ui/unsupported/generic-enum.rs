#[redlua::library(name = "shapes")]
mod shapes {
    use redlua::prelude::*;

    pub enum Slot<T> {
        Empty,
        Full(T),
    }

    #[redis_function]
    pub fn fill(n: i64) -> i64 {
        let s: Slot<i64> = Slot::Full(n);
        match s {
            Slot::Empty => 0,
            Slot::Full(x) => x,
        }
    }
}

fn main() {}
