#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut m: HashMap<String, i64> = HashMap::new();
        if let Some(x) = m.get_mut(&n) {
            *x += 1;
        }
        n
    }
}

fn main() {}
