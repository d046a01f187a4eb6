#[redlua::library(name = "ui_json_encode_not_json")]
mod lib {
    use redlua::prelude::*;

    pub struct Point {
        pub x: i64,
    }

    #[redis_function]
    pub fn write(x: i64) -> String {
        let p = Point { x };
        json_encode(&p)
    }
}

fn main() {}
