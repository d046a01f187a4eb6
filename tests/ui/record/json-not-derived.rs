#[redlua::library(name = "ui_json_not_derived")]
mod lib {
    use redlua::prelude::*;

    #[derive(Json)]
    pub struct Job {
        pub id: String,
        pub step: Step,
    }

    pub struct Step {
        pub name: String,
    }

    #[redis_function]
    pub fn read(text: String) -> Result<String, Reject> {
        let job = json_decode::<Job>(&text)?;
        Ok(job.id)
    }
}

fn main() {}
