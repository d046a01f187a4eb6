use redlua::prelude::*;

#[redis_function]
fn copy_to(source: Key, target_name: String) -> bool {
    call!("COPY", &source, &target_name).as_int() == Some(1)
}

fn main() {}
