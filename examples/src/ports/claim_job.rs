//! Claiming the next job of a queue, ported from `examples/ports/claim_job.lua`.

// ANCHOR: claim_job
#[redlua::library(name = "ports_queue")]
pub mod queue {
    use redlua::prelude::*;

    /// Moves the next waiting job to the active list, locks it with `token` for `lock_ms`,
    /// stamps it, tells `events` and replies `[id, attempts, [fields..]]`; nil when no job
    /// waits, an error when the job's hash is gone.
    #[redis_function]
    #[allow(clippy::too_many_arguments)]
    pub fn move_to_active(
        wait: Key,
        active: Key,
        priority: Key,
        events: Key,
        jobs: Key,
        token: String,
        lock_ms: String,
        now: String,
        fields: Vec<String>,
    ) -> Result<Value, Reject> {
        let Some(id) = rpoplpush(&wait, &active) else {
            return Ok(Value::Nil);
        };
        let job = jobs.derive(&id);
        if !exists(&job) {
            lrem(&active, -1, &id);
            return Err(reject!(code = "ERR", "Missing key for job {}. moveToActive", id));
        }
        call!("SET", &jobs.derive(&format!("{id}:lock")), &token, "PX", &lock_ms);
        zrem(&priority, &id);
        hset(&job, "processedOn", &now);
        let attempts = hincr_by(&job, "attemptsStarted", 1);
        publish(&events.name(), &id);
        Ok(Value::Array(vec![Value::bulk(&id), Value::Int(attempts), call!("HMGET", &job, ..fields)]))
    }
}
// ANCHOR_END: claim_job
