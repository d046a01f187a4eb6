#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(h: Key, fields: Vec<String>) {
        let pairs: Vec<(String, String)> = fields.iter().map(|f| (f.clone(), f.clone())).collect();
        call!("HGET", &h, ..pairs);
    }
}

fn main() {}
