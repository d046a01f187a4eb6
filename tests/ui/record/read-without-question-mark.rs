#[redlua::library(name = "ui_record_no_try")]
mod jobs {
    use redlua::prelude::*;

    #[derive(Record)]
    pub struct Job {
        pub id: String,
    }

    #[redis_function]
    pub fn read(job: Key) -> Result<bool, Reject> {
        let j = hgetall_as::<Job>(&job);
        Ok(j.is_ok())
    }
}

fn main() {}
