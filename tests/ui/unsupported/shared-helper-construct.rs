// An unsupported construct inside a shared helper file: the error names the file and the
// helper's line, and points at the `helpers = ".."` argument. (The path is relative to
// the crate trybuild builds, under target/tests/trybuild/.)
#[path = "shared/shout.rs"]
mod shout;

#[redlua::library(name = "m", helpers = "../../../../tests/ui/unsupported/shared/shout.rs")]
mod m {
    use crate::shout::{shout, twice};
    use redlua::prelude::*;

    #[redis_function]
    pub fn f(s: String, n: i64) -> (String, i64) {
        (shout(s), twice(n))
    }
}

fn main() {}
