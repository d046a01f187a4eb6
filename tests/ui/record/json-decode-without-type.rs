#[redlua::library(name = "ui_json_decode_without_type")]
mod lib {
    use redlua::prelude::*;

    #[derive(Json)]
    pub struct Job {
        pub id: String,
    }

    #[redis_function]
    pub fn read(text: String) -> Result<String, Reject> {
        let job: Job = json_decode(&text)?;
        Ok(job.id)
    }
}

fn main() {}
