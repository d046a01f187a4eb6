#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;
    #[derive(Json)]
    pub struct Job {
        pub id: String,
    }
    #[redis_function]
    pub fn f(id: String) -> String {
        let job = Job { id };
        json_encode::<Job>(&job)
    }
}

fn main() {}
