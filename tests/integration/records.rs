//! Records (`#[derive(Record)]`) as Redis hashes: the Lua of `hgetall_as`, `hset_record`
//! and record replies against the native twin on a real server, on random hashes (every
//! field missing, well-formed, or text that does not parse as its type), and the
//! client-side `FromRedisValue` / `ToRedisArgs` against `HGETALL` / `HSET`.

use redis::Connection;
use redlua::prelude::*;
use redlua_tests::{lua_outcome, try_twin, twin_outcome, XorShift};

#[redlua::library(name = "recs")]
pub mod recs {
    use redlua::prelude::*;

    /// A job as a hash: every supported field type, two of them optional.
    #[derive(Record, Debug, Clone, PartialEq)]
    pub struct Job {
        pub id: String,
        pub attempts: i64,
        pub priority: u8,
        pub delta: i32,
        pub score: f64,
        pub done: bool,
        pub owner: Option<String>,
        pub deadline: Option<i64>,
    }

    /// The hash at `job`, as a record.
    #[redis_function(read_only)]
    pub fn read(job: Key) -> Result<Option<Job>, Reject> {
        let j: Option<Job> = hgetall_as::<Job>(&job)?;
        Ok(j)
    }

    /// Reads, changes every field, writes back (the `None` fields are deleted) and
    /// returns the new record.
    #[redis_function]
    pub fn bump(job: Key, owner: Option<String>) -> Result<Job, Reject> {
        let Some(found) = hgetall_as::<Job>(&job)? else {
            return Err(reject!(code = "NOJOB", "no such job"));
        };
        let mut j = found;
        j.attempts += 1;
        j.priority = if j.priority < 255 { j.priority + 1 } else { 0 };
        j.delta -= 1;
        j.score = j.score * 2.0;
        j.done = !j.done;
        j.owner = owner;
        j.deadline = match j.deadline {
            Some(d) => if d % 2 == 0 { None } else { Some(d + 1) },
            None => Some(7),
        };
        hset_record(&job, &j);
        Ok(j)
    }

    /// A record built in the function, written, and read back.
    #[redis_function]
    pub fn create(job: Key, id: String, attempts: i64) -> Result<Vec<Job>, Reject> {
        let j = Job { id, attempts, priority: 3, delta: -4, score: 0.1 + 0.2, done: false, owner: None, deadline: Some(-9007199254740991) };
        hset_record(&job, &j);
        let back = hgetall_as::<Job>(&job)?;
        let mut out = vec![j];
        if let Some(b) = back {
            out.push(b);
        }
        Ok(out)
    }
}

use recs::Job;

fn hash(con: &mut Connection, key: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = redis::cmd("HGETALL").arg(key).query(con).unwrap();
    v.sort();
    v
}

/// A random text for a field of type `ty`: mostly valid, sometimes not, sometimes absent.
fn field_text(rng: &mut XorShift, ty: &str) -> Option<String> {
    if rng.below(8) == 0 {
        return None;
    }
    let bad = ["", "x", " 1", "1 ", "0x10", "1e3", "--1", "+", "-", "1.5", "true", "9007199254740992", "-9007199254740992", "99999999999999999999", "-0", "+0", "007", "256", "-129", "NaN", "inf", "-inf", "1e400", ".5", "5.", "2147483648", "-2147483649"];
    if rng.below(4) == 0 {
        return Some(bad[rng.below(bad.len() as u64) as usize].to_string());
    }
    Some(match ty {
        "i64" => rng.range(-9007199254740991, 9007199254740991).to_string(),
        "u8" => rng.range(0, 255).to_string(),
        "i32" => rng.range(i32::MIN as i64 + 1, i32::MAX as i64).to_string(),
        "f64" => {
            let x = f64::from_bits(rng.next_u64());
            if x.is_nan() { "0.25".to_string() } else { x.to_string() }
        }
        "bool" => ["0", "1", "true", "false"][rng.below(4) as usize].to_string(),
        _ => ["job", "", "ünï", "a b", "1"][rng.below(5) as usize].to_string(),
    })
}

const FIELDS: [(&str, &str); 8] = [("id", "String"), ("attempts", "i64"), ("priority", "u8"), ("delta", "i32"), ("score", "f64"), ("done", "bool"), ("owner", "String"), ("deadline", "i64")];

#[test]
fn random_hashes_read_and_write_as_the_twin_does() {
    let server = redlua::testing::TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let mut rng = XorShift::new(17);
    let (mut read_ok, mut rejected) = (0, 0);
    for case in 0..400 {
        let mut fields = Vec::new();
        for (name, ty) in FIELDS {
            if let Some(t) = field_text(&mut rng, ty) {
                fields.push((name, t));
            }
        }
        if rng.below(10) == 0 {
            fields.push(("extra", "ignored".to_string()));
        }
        let owner = (rng.below(2) == 0).then(|| "ann".to_string());
        let (lk, tk) = (format!("lua:{case}"), format!("twin:{case}"));
        for k in [&lk, &tk] {
            if !fields.is_empty() {
                let mut c = redis::cmd("HSET");
                c.arg(k);
                for (f, v) in &fields {
                    c.arg(f).arg(v);
                }
                c.exec(&mut con).unwrap();
            }
        }
        let lua = lua_outcome(recs::read(lk.as_str()).call(&mut con));
        let twin = twin_outcome(try_twin(&mut con, || recs::twin::read(Key::from(tk.as_str()))));
        // Compared as text: a NaN score is the same NaN on both sides.
        assert_eq!(format!("{lua:?}"), format!("{twin:?}"), "read, case {case}: {fields:?}");
        match &lua {
            Ok(_) => read_ok += 1,
            Err(_) => rejected += 1,
        }
        let lua = lua_outcome(recs::bump(lk.as_str(), owner.as_deref()).call(&mut con));
        let twin = twin_outcome(try_twin(&mut con, || recs::twin::bump(Key::from(tk.as_str()), owner.clone())));
        assert_eq!(format!("{lua:?}"), format!("{twin:?}"), "bump, case {case}: {fields:?}");
        assert_eq!(hash(&mut con, &lk), hash(&mut con, &tk), "hash after bump, case {case}: {fields:?}");
        if let Ok(j) = &lua {
            // The written hash reads back as the returned record, on the client too.
            let stored: Job = redis::cmd("HGETALL").arg(&lk).query(&mut con).unwrap();
            assert_eq!(format!("{stored:?}"), format!("{j:?}"), "case {case}");
        }
    }
    // Both kinds of cases were seen.
    assert!(read_ok > 50 && rejected > 50, "{read_ok} read, {rejected} rejected");
}

#[test]
fn rejections_name_the_record_and_the_field() {
    let server = redlua::testing::TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("attempts", "1")], "Job.id is missing"),
        (&[("id", "a"), ("attempts", "1.0")], "Job.attempts is not a valid i64"),
        (&[("id", "a"), ("attempts", "1"), ("priority", "-0")], "Job.priority is not a valid u8"),
        (&[("id", "a"), ("attempts", "1"), ("priority", "1"), ("delta", "1"), ("score", "0x1"), ("done", "1")], "Job.score is not a valid f64"),
        (&[("id", "a"), ("attempts", "1"), ("priority", "1"), ("delta", "1"), ("score", "1"), ("done", "yes")], "Job.done is not a valid bool"),
        (&[("id", "a"), ("attempts", "1"), ("priority", "1"), ("delta", "1"), ("score", "1"), ("done", "0"), ("deadline", "9007199254740992")], "Job.deadline is not a valid i64"),
    ];
    for (i, (fields, message)) in cases.iter().enumerate() {
        let k = format!("bad:{i}");
        let mut c = redis::cmd("HSET");
        c.arg(&k);
        for (f, v) in *fields {
            c.arg(f).arg(v);
        }
        c.exec(&mut con).unwrap();
        let err = recs::read(k.as_str()).call(&mut con).unwrap_err();
        assert!(matches!(&err, redlua::Error::Rejected { message: m } if m == message), "{i}: {err:?}");
    }
    // No hash at all: None, not a rejection.
    assert_eq!(recs::read("nothing").call(&mut con).unwrap(), None);
}

#[test]
fn records_round_trip_between_client_function_and_hash() {
    let server = redlua::testing::TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let made = recs::create("made", "j9".to_string(), 41).call(&mut con).unwrap();
    let twin = redlua::twin::run(&mut con, || recs::twin::create(Key::from("made:twin"), "j9".into(), 41)).unwrap();
    assert_eq!(made, twin);
    assert_eq!(made.len(), 2);
    assert_eq!(made[0], made[1]);
    assert_eq!(made[0].score, 0.1 + 0.2);
    assert_eq!(made[0].deadline, Some(-9007199254740991));
    // What redis-cli sees: the fields as text, `None` fields absent, floats as Rust prints them.
    let h = hash(&mut con, "made");
    assert_eq!(
        h,
        [("attempts", "41"), ("deadline", "-9007199254740991"), ("delta", "-4"), ("done", "0"), ("id", "j9"), ("priority", "3"), ("score", "0.30000000000000004")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // The client writes a record with HSET (ToRedisArgs) and reads it with HGETALL.
    let job = Job { id: "c".into(), attempts: -3, priority: 255, delta: i32::MIN + 1, score: -0.0, done: true, owner: Some("bo".into()), deadline: None };
    redis::cmd("HSET").arg("client").arg(&job).exec(&mut con).unwrap();
    let back: Job = redis::cmd("HGETALL").arg("client").query(&mut con).unwrap();
    assert_eq!(back, job);
    assert!(back.score.is_sign_negative());
    assert_eq!(recs::read("client").call(&mut con).unwrap(), Some(job.clone()));
    // `bump` deletes the `None` field it writes: `owner` goes away.
    let bumped = recs::bump("client", None).call(&mut con).unwrap();
    assert_eq!(bumped.owner, None);
    let owner: Option<String> = redis::cmd("HGET").arg("client").arg("owner").query(&mut con).unwrap();
    assert_eq!(owner, None);
    assert_eq!(bumped.priority, 0);
    // A missing job is the function's own rejection.
    let err = recs::bump("none", None).call(&mut con).unwrap_err();
    assert_eq!(err.redis_error().and_then(|e| e.code()), Some("NOJOB"), "{err:?}");
}
