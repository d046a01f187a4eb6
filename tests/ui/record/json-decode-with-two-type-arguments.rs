#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[derive(Json)]
    pub struct Job {
        pub id: String,
    }
    #[redis_function]
    pub fn f(text: String) -> Result<String, Reject> {
        let job: Job = json_decode::<Job, String>(&text)?;
        Ok(job.id)
    }
}

fn main() {}
