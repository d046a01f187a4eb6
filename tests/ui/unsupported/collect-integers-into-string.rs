use redlua::prelude::*;

#[redis_function]
fn f(n: i64) -> String {
    let v = vec![n, 2];
    v.iter().map(|x| x * 2).collect::<String>()
}

fn main() {}
