//! A job queue whose jobs are typed records: each job is a hash (`#[derive(Record)]`)
//! with a JSON payload field (`#[derive(Json)]`), enqueued, claimed and completed by redis
//! functions. The book's cookbook page "A job queue of typed records" shows it;
//! `tests/integration/book_examples.rs` runs it on one server and on a 3-primary cluster.

// ANCHOR: library
#[redlua::library(name = "record_jobs")]
pub mod record_jobs {
    use redlua::prelude::*;

    /// What the job does: JSON text in the job's `payload` field.
    #[derive(Json, Debug, Clone, PartialEq)]
    pub struct Payload {
        pub kind: String,
        pub to: Vec<String>,
        pub retries: Option<u8>,
    }

    /// A job: the hash `<queue>:job:<id>`, one hash field per struct field.
    #[derive(Record, Debug, Clone, PartialEq)]
    pub struct Job {
        pub id: String,
        pub state: String,
        pub attempts: i64,
        pub payload: String,
        pub worker: Option<String>,
        pub result: Option<String>,
    }

    // ANCHOR: enqueue
    /// Checks the payload, stores the job as a hash and queues its id in
    /// `<queue>:waiting`; replies how many jobs wait.
    #[redis_function]
    pub fn enqueue(queue: Key, job: Key, id: String, payload: String) -> Result<i64, Reject> {
        let p = json_decode::<Payload>(&payload)?;
        if p.to.is_empty() {
            return Err(reject!(code = "BADJOB", "job {id} has no recipient"));
        }
        if hgetall_as::<Job>(&job)?.is_some() {
            return Err(reject!(code = "DUPLICATE", "job {id} exists"));
        }
        let stored = Job { id: id.clone(), state: "waiting".to_string(), attempts: 0, payload: json_encode(&p), worker: None, result: None };
        hset_record(&job, &stored);
        Ok(rpush(&queue.derive(":waiting"), &id))
    }
    // ANCHOR_END: enqueue

    // ANCHOR: claim
    /// Moves the oldest waiting job to `<queue>:active`, marks it claimed by `worker`
    /// and replies it (`None` when no job waits). `job_prefix` is the prefix of the jobs'
    /// keys (`<queue>:job:`), passed as a key so that the cluster routes by its tag.
    #[redis_function]
    pub fn claim(queue: Key, job_prefix: Key, worker: String) -> Result<Option<Job>, Reject> {
        let Some(id) = lpop(&queue.derive(":waiting")) else {
            return Ok(None);
        };
        let key = job_prefix.derive(&id);
        let Some(found) = hgetall_as::<Job>(&key)? else {
            return Err(reject!(code = "NOJOB", "job {id} is queued but has no hash"));
        };
        let mut job = found;
        job.state = "active".to_string();
        job.attempts += 1;
        job.worker = Some(worker);
        hset_record(&key, &job);
        rpush(&queue.derive(":active"), &id);
        Ok(Some(job))
    }
    // ANCHOR_END: claim

    // ANCHOR: complete
    /// Marks the job done with its result, if `worker` holds it; replies the job.
    #[redis_function]
    pub fn complete(queue: Key, job: Key, worker: String, result: String) -> Result<Job, Reject> {
        let Some(found) = hgetall_as::<Job>(&job)? else {
            return Err(reject!(code = "NOJOB", "no such job"));
        };
        if found.state != "active" || found.worker != Some(worker.clone()) {
            return Err(reject!(code = "NOTYOURS", "job {} is not held by {worker}", found.id));
        }
        let mut done = found;
        done.state = "done".to_string();
        done.result = Some(result);
        lrem(&queue.derive(":active"), 1, &done.id);
        hset_record(&job, &done);
        Ok(done)
    }
    // ANCHOR_END: complete
}
// ANCHOR_END: library
