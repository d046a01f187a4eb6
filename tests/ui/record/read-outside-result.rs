#[redlua::library(name = "ui_record_not_result")]
mod jobs {
    use redlua::prelude::*;

    #[derive(Record)]
    pub struct Job {
        pub id: String,
    }

    #[redis_function]
    pub fn read(job: Key) -> Option<String> {
        let j = hgetall_as::<Job>(&job)?;
        j.map(|j| j.id)
    }
}

fn main() {}
