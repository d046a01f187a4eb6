//! Keys that are not simply parameters: keys derived from a key parameter (a job queue
//! whose lists share the queue's name), a trailing `Vec<Key>`, and a key built at run time
//! with the `dynamic_keys` opt-in. The book's "Keys, ARGV and Redis Cluster" chapter
//! explains them; `tests/integration/book_examples.rs` runs them on one server and on a
//! 3-primary cluster.

// ANCHOR: jobs
#[redlua::library(name = "jobs")]
pub mod jobs {
    use redlua::prelude::*;

    // ANCHOR: derive
    /// Adds `job` to the list `<queue>:waiting`; replies how many jobs wait.
    #[redis_function]
    pub fn push_job(queue: Key, job: String) -> i64 {
        lpush(&queue.derive(":waiting"), &job)
    }

    /// Moves the oldest waiting job to `<queue>:active` and replies it, if there is one.
    #[redis_function]
    pub fn claim_job(queue: Key) -> Option<String> {
        let job = rpop(&queue.derive(":waiting"))?;
        lpush(&queue.derive(":active"), &job);
        Some(job)
    }
    // ANCHOR_END: derive

    // ANCHOR: vec_keys
    /// The sum of any number of counters (a missing one counts as 0): the keys arrive as
    /// `KEYS[1..]`, however many the caller passes.
    #[redis_function(read_only)]
    pub fn sum_counters(counters: Vec<Key>) -> i64 {
        let mut total = 0;
        for counter in counters.iter() {
            total += get::<i64>(counter).unwrap_or(0);
        }
        total
    }
    // ANCHOR_END: vec_keys

    // ANCHOR: dynamic
    /// Counts a visit of a user whose key is built from the id. The key is not in `KEYS`,
    /// so the function is registered `no-cluster`: a cluster refuses to run it.
    #[redis_function(dynamic_keys)]
    pub fn count_visit(user_id: String) -> i64 {
        incr(&Key::new(format!("visits:{user_id}")))
    }
    // ANCHOR_END: dynamic
}
// ANCHOR_END: jobs
