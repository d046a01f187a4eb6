#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(field: String) -> i64 {
        let mut m: HashMap<String, i64> = HashMap::new();
        m.insert(field, 1);
        m[&1]
    }
}

fn main() {}
