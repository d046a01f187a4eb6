use redlua::prelude::*;

#[redis_function]
fn f(a: f64) -> bool {
    let v = vec![a, 1.0];
    v.iter().min().is_some()
}

fn main() {}
