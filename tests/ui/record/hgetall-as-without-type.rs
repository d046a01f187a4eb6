#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[derive(Record)]
    pub struct Job {
        pub id: String,
    }

    #[redis_function]
    pub fn f(k: Key) -> Result<bool, Reject> {
        let job: Option<Job> = hgetall_as(&k)?;
        Ok(job.is_some())
    }
}

fn main() {}
