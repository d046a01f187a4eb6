#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut m: HashMap<String, i64> = HashMap::new();
        for ((k), v) in m.iter_mut() {
            *v += n;
        }
        n
    }
}

fn main() {}
