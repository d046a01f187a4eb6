#[redlua::library(name = "cmds")]
mod cmds {
    use redlua::prelude::*;

    pub enum Cmd {
        Push(Vec<i64>),
        Clear,
    }

    #[redis_function]
    pub fn grow(n: i64) -> usize {
        let c = if n > 0 { Cmd::Push(vec![n]) } else { Cmd::Clear };
        match c {
            Cmd::Push(mut v) => {
                v.push(1);
                v.len()
            }
            Cmd::Clear => 0,
        }
    }
}

fn main() {}
