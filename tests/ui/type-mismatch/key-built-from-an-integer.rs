#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[redis_function(dynamic_keys)]
    pub fn f(id: i64) -> Option<String> {
        get::<String>(&Key::new(id))
    }
}

fn main() {}
