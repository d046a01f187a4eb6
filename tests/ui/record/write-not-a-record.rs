#[redlua::library(name = "ui_record_write_tuple")]
mod jobs {
    use redlua::prelude::*;

    #[redis_function]
    pub fn write(job: Key, id: String) {
        hset_record(&job, &(id, 1));
    }
}

fn main() {}
