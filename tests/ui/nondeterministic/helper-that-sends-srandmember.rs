#[redlua::library(name = "raffle")]
mod raffle {
    use redlua::prelude::*;

    fn draw(pool: &Key) -> Option<String> {
        srandmember(pool)
    }

    #[redis_function(read_only)]
    pub fn winner(pool: Key) -> Option<String> {
        draw(&pool)
    }
}

fn main() {}
