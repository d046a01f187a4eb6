#[redlua::library(name = "raffle")]
mod raffle {
    use redlua::prelude::*;

    fn first(pool: &Key, tries: i64) -> Option<String> {
        if tries == 0 { None } else { second(pool, tries - 1) }
    }

    fn second(pool: &Key, tries: i64) -> Option<String> {
        match srandmember(pool) {
            Some(m) => Some(m),
            None => first(pool, tries),
        }
    }

    #[redis_function(read_only)]
    pub fn winner(pool: Key, tries: i64) -> Option<String> {
        first(&pool, tries)
    }
}

fn main() {}
