#[redlua::library(name = "ui_json_decode_not_text")]
mod lib {
    use redlua::prelude::*;

    #[derive(Json)]
    pub struct Job {
        pub id: String,
    }

    #[redis_function]
    pub fn read(n: i64) -> Result<String, Reject> {
        let job = json_decode::<Job>(&n)?;
        Ok(job.id)
    }
}

fn main() {}
