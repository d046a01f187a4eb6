use redlua::prelude::*;

#[redis_function]
fn search(limit: i64) -> i64 {
    let mut found = 0;
    'outer: for i in 0..limit {
        for j in 0..limit {
            if i * j == 12 {
                found = i;
                break 'outer;
            }
        }
    }
    found
}

fn main() {}
