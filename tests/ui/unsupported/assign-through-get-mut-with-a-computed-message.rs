#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(field: String) -> i64 {
        let mut m: HashMap<String, i64> = HashMap::new();
        m.insert(field.clone(), 1);
        *m.get_mut(&field).expect(&field) = 2;
        m.len() as i64
    }
}

fn main() {}
