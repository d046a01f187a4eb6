use redlua::prelude::*;

// A counter declared from a literal takes the type its first use gives it (usize, from
// `v.len()`); adding a u32 to it afterwards mixes two integer types.
#[redis_function]
fn f(n: i64) -> i64 {
    let v = vec![1, 2, 3];
    let small = n as u32;
    let mut i = 0;
    while i < v.len() {
        i += 1;
    }
    (i + small) as i64
}

fn main() {}
