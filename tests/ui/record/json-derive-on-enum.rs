use redlua::prelude::*;

#[derive(Json)]
enum State {
    Ready,
}

fn main() {}
