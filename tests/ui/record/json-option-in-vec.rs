#[redlua::library(name = "ui_json_option_in_vec")]
mod lib {
    use redlua::prelude::*;

    #[derive(Json)]
    pub struct Job {
        pub id: String,
        pub marks: Vec<Option<i64>>,
    }

    #[redis_function]
    pub fn read(text: String) -> Result<String, Reject> {
        let job = json_decode::<Job>(&text)?;
        Ok(job.id)
    }
}

fn main() {}
