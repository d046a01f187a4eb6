use redlua::prelude::*;

#[redis_function]
fn bump(n: i64) -> Vec<i64> {
    let mut v = vec![1, 2, 3];
    if let Some(x) = v.first_mut() {
        let mut refs = vec![x];
        *refs[0] += n;
    }
    v
}

fn main() {}
