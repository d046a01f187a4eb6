// fix: give one of the functions another name; a library that never shares a server with the others can say so with `#[redlua::library(name = "..", separate_server)]`
// Redis function names are global to a server: `shipping::status` would run `billing`'s code.
#[redlua::library(name = "billing")]
mod billing {
    use redlua::prelude::*;

    #[redis_function]
    pub fn status(calls: Key) -> i64 {
        incr(&calls)
    }
}

#[redlua::library(name = "shipping")]
mod shipping {
    use redlua::prelude::*;

    #[redis_function]
    pub fn status(calls: Key) -> i64 {
        incr(&calls) * 2
    }
}

fn main() {}
