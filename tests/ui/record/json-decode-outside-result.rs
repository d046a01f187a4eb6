#[redlua::library(name = "ui_json_decode_outside_result")]
mod lib {
    use redlua::prelude::*;

    #[derive(Json)]
    pub struct Job {
        pub id: String,
    }

    #[redis_function]
    pub fn read(text: String) -> Option<String> {
        let job = json_decode::<Job>(&text)?;
        Some(job.id)
    }
}

fn main() {}
