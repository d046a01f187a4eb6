#[redlua::library(name = "ui_record_vec_field")]
mod jobs {
    use redlua::prelude::*;

    #[derive(Record)]
    pub struct Job {
        pub id: String,
        pub tags: Vec<String>,
    }

    #[redis_function]
    pub fn read(job: Key) -> Result<bool, Reject> {
        let j = hgetall_as::<Job>(&job)?;
        Ok(j.is_some())
    }
}

fn main() {}
