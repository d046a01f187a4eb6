#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    pub struct Inner {
        pub a: i64,
    }

    pub struct Outer {
        pub inner: Inner,
    }

    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut o = Outer { inner: Inner { a: n } };
        o.inner.b = 1;
        o.inner.a
    }
}

fn main() {}
