#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(v: Vec<i64>) -> usize {
        let m: HashMap<String, i64> = HashMap::new();
        v.iter().zip(m).count()
    }
}

fn main() {}
