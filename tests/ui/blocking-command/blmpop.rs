use redlua::prelude::*;

#[redis_function]
fn wait_for_job(queue: Key) -> bool {
    call!("BLMPOP", 0, 1, &queue, "LEFT").is_nil()
}

fn main() {}
