#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    pub struct Counter {
        pub n: i64,
    }

    impl Counter {
        fn bump(&mut self) -> i64 {
            self.n += 1;
            if self.n > 10 {
                return "full".to_string();
            }
            self.n
        }
    }

    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut c = Counter { n };
        c.bump()
    }
}

fn main() {}
