#[redlua::library(name = "s")]
mod s {
    use redlua::prelude::*;

    pub struct Counter {
        pub n: i64,
    }

    impl Counter {
        fn bump(&mut self) {
            self.n += 1;
        }
    }

    #[redis_function]
    pub fn f(n: i64) -> i64 {
        let mut c = Counter { n };
        Counter::bump(&mut c);
        c.n
    }
}

fn main() {}
