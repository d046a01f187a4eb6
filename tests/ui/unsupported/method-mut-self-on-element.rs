#[redlua::library(name = "grid")]
mod grid {
    use redlua::prelude::*;

    #[derive(Clone, Copy)]
    pub struct Cell {
        pub hits: i64,
    }

    impl Cell {
        pub fn hit(&mut self) {
            self.hits += 1;
        }
    }

    #[redis_function]
    pub fn hits(n: i64) -> i64 {
        let mut cells = vec![Cell { hits: 0 }; 3];
        cells[0].hit();
        cells[0].hits + n
    }
}

fn main() {}
