//! Patterns 6, 8, 9 and 10 of the seed patterns, each compared with its hand-written
//! Lua baseline (replies and data) and with the native twin on the same inputs.

use redis::Value;
use redlua::prelude::*;
use redlua_examples::banking::banking;
use redlua_tests::*;

/// Pattern 8: the reply is the new balance, refusals are error replies.
#[test]
fn banking_transfer_matches_its_baseline() {
    let (_server, mut con) = server();
    let mut rng = XorShift::new(8);
    for ns in ["lua", "redlua", "twin"] {
        redis::cmd("SET").arg(format!("{ns}:{{b}}:a")).arg(500).exec(&mut con).unwrap();
    }
    for step in 0..300 {
        let (from, to) = if rng.chance(50) { ("a", "b") } else { ("b", "a") };
        let amount = rng.range(-20, 120);
        let key = |ns: &str, n: &str| format!("{ns}:{{b}}:{n}");
        let base = eval(&mut con, BANKING_TRANSFER, &[key("lua", from), key("lua", to)], &[amount.to_string()]);
        let ours = banking::transfer(key("redlua", from), key("redlua", to), amount).call(&mut con);
        let twin = redlua::twin::run(&mut con, || banking::twin::transfer(Key::from(key("twin", from)), Key::from(key("twin", to)), amount));
        match (&base, &ours, &twin) {
            (Ok(Value::Int(b)), Ok(o), Ok(t)) => {
                assert_eq!((b, b), (o, t), "step {step}");
            }
            (Err(e), Err(redlua::Error::Rejected { message }), Err(r)) => {
                assert_eq!(e.code(), Some("REJECT"), "step {step}: {e}");
                assert_eq!(e.detail(), Some(message.as_str()), "step {step}");
                assert_eq!(message, r.message(), "step {step}");
                assert!(message == "insufficient funds" || message == "amount must be positive", "{message}");
            }
            other => panic!("step {step}: {other:?}"),
        }
    }
    for n in ["a", "b"] {
        let vals: Vec<Option<i64>> = ["lua", "redlua", "twin"].iter().map(|ns| redis::cmd("GET").arg(format!("{ns}:{{b}}:{n}")).query(&mut con).unwrap()).collect();
        assert!(vals.windows(2).all(|w| w[0] == w[1]), "{n}: {vals:?}");
    }
    assert_eq!(banking::get_or("lua:{b}:a", "0").call(&mut con).unwrap(), redis::cmd("GET").arg("lua:{b}:a").query::<String>(&mut con).unwrap());
    assert_eq!(banking::get_or("none", "dflt").call(&mut con).unwrap(), "dflt");
}

use redlua_examples::locks::locks;
use redlua_examples::sliding_window::windows;
use redlua_examples::token_bucket::buckets;

fn hash_f64(con: &mut redis::Connection, key: &str, field: &str) -> Option<f64> {
    redis::cmd("HGET").arg(key).arg(field).query::<Option<String>>(con).unwrap().map(|s| s.parse::<f64>().unwrap())
}

/// Pattern 6: refills by elapsed time, takes tokens when there are enough, stores the
/// state and expires the idle bucket; the stored token counts are equal as numbers
/// (the baseline writes %.17g, redlua writes them as Rust prints them).
#[test]
fn token_bucket_matches_its_baseline() {
    let (_server, mut con) = server();
    let mut rng = XorShift::new(6);
    let mut now = 1_700_000_000_000i64;
    for step in 0..300 {
        now += rng.range(0, 900);
        let (capacity, rate, requested) = (10, [0.5, 1.0, 2.5][step % 3], rng.range(0, 4));
        let base = eval(&mut con, TOKEN_BUCKET, &["lua:{tb}"], &[capacity.to_string(), rate.to_string(), now.to_string(), requested.to_string()]).unwrap();
        let ours = buckets::take("redlua:{tb}", capacity, rate, now, requested).call(&mut con).unwrap();
        let twin = redlua::twin::run(&mut con, || buckets::twin::take(Key::from("twin:{tb}"), capacity, rate, now, requested));
        let Value::Array(items) = base else { panic!("step {step}: {base:?}") };
        let as_int = |v: &Value| if let Value::Int(n) = v { *n } else { panic!("{v:?}") };
        assert_eq!((as_int(&items[0]) == 1, as_int(&items[1])), ours, "step {step}");
        assert_eq!(ours, twin, "step {step}");
        let tokens: Vec<Option<f64>> = ["lua:{tb}", "redlua:{tb}", "twin:{tb}"].iter().map(|k| hash_f64(&mut con, k, "tokens")).collect();
        assert!(tokens.windows(2).all(|w| w[0] == w[1]), "step {step}: {tokens:?}");
        for k in ["lua:{tb}", "redlua:{tb}", "twin:{tb}"] {
            let ttl: i64 = redis::cmd("PTTL").arg(k).query(&mut con).unwrap();
            assert!(ttl > 0, "{k} expires");
        }
    }
}

/// Pattern 10: drops entries older than the window, counts, records allowed requests.
#[test]
fn sliding_window_matches_its_baseline() {
    let (_server, mut con) = server();
    let mut rng = XorShift::new(10);
    let mut now = 1_700_000_000_000i64;
    for step in 0..400 {
        now += rng.range(0, 300);
        let (limit, window) = (5, 1_000);
        let id = format!("req-{step}");
        let base = eval(&mut con, SLIDING_WINDOW, &["lua:{sw}"], &[limit.to_string(), window.to_string(), now.to_string(), id.clone()]).unwrap();
        let ours = windows::hit("redlua:{sw}", limit, window, now, &id).call(&mut con).unwrap();
        let twin = redlua::twin::run(&mut con, || windows::twin::hit(Key::from("twin:{sw}"), limit, window, now, id.clone()));
        assert_eq!((base == Value::Int(1), ours), (ours, twin), "step {step}");
        let sets: Vec<Vec<(String, f64)>> = ["lua:{sw}", "redlua:{sw}", "twin:{sw}"]
            .iter()
            .map(|k| redis::cmd("ZRANGE").arg(k).arg(0).arg(-1).arg("WITHSCORES").query(&mut con).unwrap())
            .collect();
        assert!(sets.windows(2).all(|w| w[0] == w[1]), "step {step}: {sets:?}");
    }
}

/// Pattern 9: PEXPIRE only when the lock is held by the caller.
#[test]
fn extend_lock_matches_its_baseline() {
    let (_server, mut con) = server();
    for ns in ["lua", "redlua", "twin"] {
        redis::cmd("SET").arg(format!("{ns}:{{l}}")).arg("w1").arg("EX").arg(100).exec(&mut con).unwrap();
    }
    for (holder, ttl) in [("w1", 50_000), ("w2", 90_000), ("w1", 200_000), ("", 1_000)] {
        let base = eval(&mut con, EXTEND_LOCK, &["lua:{l}"], &[holder.to_string(), ttl.to_string()]).unwrap();
        let ours = locks::extend("redlua:{l}", holder, ttl).call(&mut con).unwrap();
        let twin = redlua::twin::run(&mut con, || locks::twin::extend(Key::from("twin:{l}"), holder.to_string(), ttl));
        assert_eq!((base == Value::Int(1), ours), (ours, twin), "extend({holder:?}, {ttl})");
        assert_eq!(ours, holder == "w1");
        let ttls: Vec<i64> = ["lua:{l}", "redlua:{l}", "twin:{l}"].iter().map(|k| redis::cmd("PTTL").arg(k).query(&mut con).unwrap()).collect();
        assert!(ttls.iter().all(|t| (t - ttls[0]).abs() < 1_000), "{ttls:?}");
    }
    let missing = locks::extend("redlua:{none}", "w1", 1000).call(&mut con).unwrap();
    assert!(!missing);
}
