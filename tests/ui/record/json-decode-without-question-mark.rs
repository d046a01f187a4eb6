#[redlua::library(name = "ui_json_decode_no_try")]
mod lib {
    use redlua::prelude::*;

    #[derive(Json)]
    pub struct Job {
        pub id: String,
    }

    #[redis_function]
    pub fn read(text: String) -> Result<String, Reject> {
        let job = json_decode::<Job>(&text);
        Ok(String::new())
    }
}

fn main() {}
