use redlua::prelude::*;

#[redis_function]
fn f(a: i64) -> i64 {
    let x = {
        fn g() -> i64 {
            1
        }
        g()
    };
    let y = {
        fn g() -> i64 {
            2
        }
        g()
    };
    x + y
}

fn main() {}
