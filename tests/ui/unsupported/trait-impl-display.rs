#[redlua::library(name = "vecs")]
mod vecs {
    use redlua::prelude::*;
    use std::fmt;

    #[derive(Clone, Copy)]
    pub struct V2 {
        pub x: i64,
        pub y: i64,
    }

    impl fmt::Display for V2 {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "({}, {})", self.x, self.y)
        }
    }

    #[redis_function]
    pub fn show(x: i64) -> String {
        let v = V2 { x, y: 1 };
        format!("{v}")
    }
}

fn main() {}
