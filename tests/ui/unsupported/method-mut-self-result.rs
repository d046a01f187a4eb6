#[redlua::library(name = "stock")]
mod stock {
    use redlua::prelude::*;

    pub struct Stock {
        pub left: i64,
    }

    impl Stock {
        pub fn take(&mut self, n: i64) -> Result<i64, Reject> {
            if n > self.left {
                return Err(reject!("not enough"));
            }
            self.left -= n;
            Ok(self.left)
        }
    }

    #[redis_function]
    pub fn reserve(n: i64) -> Result<i64, Reject> {
        let mut s = Stock { left: 10 };
        s.take(n)
    }
}

fn main() {}
