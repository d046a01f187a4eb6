#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(k: String) -> i64 {
        let mut m: HashMap<String, i64> = HashMap::new();
        let x = &mut m[&k];
        *x += 1;
        0
    }
}

fn main() {}
