#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(field: String) -> i64 {
        let m: HashMap<String, i64> = HashMap::new();
        *m.get_mut(&field).unwrap() = 2;
        m.len() as i64
    }
}

fn main() {}
