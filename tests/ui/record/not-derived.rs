#[redlua::library(name = "ui_record_not_derived")]
mod jobs {
    use redlua::prelude::*;

    pub struct Job {
        pub id: String,
    }

    #[redis_function]
    pub fn read(job: Key) -> Result<bool, Reject> {
        let j = hgetall_as::<Job>(&job)?;
        Ok(j.is_some())
    }
}

fn main() {}
