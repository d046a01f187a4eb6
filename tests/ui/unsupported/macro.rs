use redlua::prelude::*;

#[redis_function]
fn greet(name: String) -> String {
    println!("hello {name}");
    name
}

fn main() {}
