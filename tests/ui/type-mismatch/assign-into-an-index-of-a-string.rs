#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    pub struct User {
        pub name: String,
    }

    #[redis_function]
    pub fn f(name: String) -> String {
        let mut u = User { name };
        u.name[0] = 'x';
        u.name
    }
}

fn main() {}
