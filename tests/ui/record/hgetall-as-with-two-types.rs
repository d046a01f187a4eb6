#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[derive(Record)]
    pub struct Job {
        pub id: String,
    }

    #[redis_function]
    pub fn f(k: Key) -> Result<bool, Reject> {
        let job = hgetall_as::<Job, Job>(&k)?;
        Ok(job.is_some())
    }
}

fn main() {}
