#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(k: String) -> i64 {
        let mut m: HashMap<String, i64> = HashMap::new();
        if let None = m.get_mut(&k) {
            return 0;
        }
        1
    }
}

fn main() {}
