#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(k: String) -> i64 {
        let mut m: HashMap<String, i64> = HashMap::new();
        m.insert(k.clone(), 1);
        let x = &mut *m.get(&k).unwrap();
        *x += 1;
        0
    }
}

fn main() {}
