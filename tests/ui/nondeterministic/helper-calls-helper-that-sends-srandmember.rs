#[redlua::library(name = "raffle")]
mod raffle {
    use redlua::prelude::*;

    fn draw(pool: &Key) -> Option<String> {
        srandmember(pool)
    }

    fn pick(pool: &Key) -> Option<String> {
        draw(pool)
    }

    #[redis_function(read_only)]
    pub fn winner(pool: Key) -> Option<String> {
        pick(&pool)
    }
}

fn main() {}
