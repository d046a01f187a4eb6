#[redlua::library(name = "ui_json_decode_not_a_struct")]
mod lib {
    use redlua::prelude::*;

    #[redis_function]
    pub fn read(text: String) -> Result<i64, Reject> {
        let ids = json_decode::<Vec<i64>>(&text)?;
        Ok(ids.len() as i64)
    }
}

fn main() {}
