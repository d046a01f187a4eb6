#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    #[derive(Record)]
    pub struct Job {
        pub id: String,
    }

    #[redis_function]
    pub fn f(k: Key, id: String) {
        let job = Job { id };
        hset_record::<Job>(&k, &job);
    }
}

fn main() {}
