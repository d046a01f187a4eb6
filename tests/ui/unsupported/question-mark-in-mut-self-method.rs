#[redlua::library(name = "q")]
mod q {
    use redlua::prelude::*;
    pub struct S { pub n: i64 }
    impl S {
        pub fn f(&mut self, x: Option<i64>) -> Option<i64> {
            let v = x?;
            self.n += v;
            Some(self.n)
        }
    }
    #[redis_function]
    pub fn g(a: i64) -> i64 {
        let mut s = S { n: 1 };
        s.f(Some(a)).unwrap_or(0)
    }
}
fn main() {}
