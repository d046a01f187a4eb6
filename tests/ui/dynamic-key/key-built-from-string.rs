#[redlua::library(name = "users")]
mod users {
    use redlua::prelude::*;

    #[redis_function]
    pub fn visits(user_id: String) -> i64 {
        get::<i64>(&Key::new(format!("user:{user_id}"))).unwrap_or(0)
    }
}

fn main() {}
