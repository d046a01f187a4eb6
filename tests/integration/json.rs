//! JSON inside redis functions (`#[derive(Json)]`, `json_decode::<T>(&text)?`,
//! `json_encode(&v)`): the Lua against the native twin on a real server, on random
//! records and on random damage to their text, and the twin against `serde_json` with
//! serde's derive. Each of cjson's traps has a case of its own.

use redis::Connection;
use redlua::prelude::*;
use redlua_tests::{lua_outcome, try_twin, twin_outcome, XorShift};
use std::collections::{BTreeMap, HashMap};

#[redlua::library(name = "jsonlib")]
pub mod jsonlib {
    use redlua::prelude::*;
    use std::collections::HashMap;

    /// A nested struct.
    #[derive(Json, Debug, Clone, PartialEq)]
    pub struct Meta {
        pub owner: String,
        pub retries: Option<u8>,
    }

    /// Every kind of field JSON holds.
    #[derive(Json, Debug, Clone, PartialEq)]
    pub struct Job {
        pub id: String,
        pub attempts: i64,
        pub priority: u8,
        pub delta: i32,
        pub score: f64,
        pub done: bool,
        pub owner: Option<String>,
        pub tags: Vec<String>,
        pub counts: HashMap<String, i64>,
        pub meta: Option<Meta>,
        pub history: Vec<Meta>,
        pub weights: Vec<f64>,
    }

    /// The text read as a `Job` and written back.
    #[redis_function(read_only)]
    pub fn roundtrip(text: String) -> Result<String, Reject> {
        let job = json_decode::<Job>(&text)?;
        Ok(json_encode(&job))
    }

    /// Reads a job, changes it, writes it back to `key` and returns the new text.
    #[redis_function]
    pub fn bump(key: Key, text: String) -> Result<String, Reject> {
        let mut job = json_decode::<Job>(&text)?;
        job.attempts += 1;
        let mut tags = job.tags.clone();
        tags.push(format!("seen{}", job.attempts));
        job.tags = tags;
        let mut counts = job.counts.clone();
        counts.insert("bumps".to_string(), job.attempts);
        job.counts = counts;
        job.meta = match job.meta {
            Some(_) => None,
            None => Some(Meta { owner: job.id.clone(), retries: Some(3) }),
        };
        let out = json_encode(&job);
        set(&key, &out);
        Ok(out)
    }

    /// A job built in the function: empty Vec and map, a float and a None.
    #[redis_function(read_only)]
    pub fn make(id: String, attempts: i64, score: f64) -> String {
        let job = Job { id, attempts, priority: 0, delta: -1, score, done: true, owner: None, tags: Vec::new(), counts: HashMap::new(), meta: None, history: Vec::new(), weights: vec![score, 0.1 + 0.2] };
        json_encode(&job)
    }

    /// The fields of a decoded job, to check what the Lua holds.
    #[redis_function(read_only)]
    pub fn fields(text: String) -> Result<(i64, f64, Option<String>, i64, i64), Reject> {
        let job = json_decode::<Job>(&text)?;
        Ok((job.attempts, job.score, job.owner, job.tags.len() as i64, job.counts.len() as i64))
    }
}

use jsonlib::{Job, Meta};

/// The same records with serde's derive: what `serde_json::to_string` writes is the
/// Rust meaning of `json_encode` (a `BTreeMap`: keys in sorted order).
mod serde_side {
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    pub struct Meta {
        pub owner: String,
        pub retries: Option<u8>,
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    pub struct Job {
        pub id: String,
        pub attempts: i64,
        pub priority: u8,
        pub delta: i32,
        pub score: f64,
        pub done: bool,
        pub owner: Option<String>,
        pub tags: Vec<String>,
        pub counts: BTreeMap<String, i64>,
        pub meta: Option<Meta>,
        pub history: Vec<Meta>,
        pub weights: Vec<f64>,
    }
}

fn to_serde(j: &Job) -> serde_side::Job {
    let meta = |m: &Meta| serde_side::Meta { owner: m.owner.clone(), retries: m.retries };
    serde_side::Job {
        id: j.id.clone(),
        attempts: j.attempts,
        priority: j.priority,
        delta: j.delta,
        score: j.score,
        done: j.done,
        owner: j.owner.clone(),
        tags: j.tags.clone(),
        counts: j.counts.iter().map(|(k, v)| (k.clone(), *v)).collect::<BTreeMap<_, _>>(),
        meta: j.meta.as_ref().map(meta),
        history: j.history.iter().map(meta).collect(),
        weights: j.weights.clone(),
    }
}

fn text(rng: &mut XorShift) -> String {
    let pieces = ["a", "", "ünï", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1f}", "\u{7f}", "😀", "x y", "{}", "null", "é"];
    (0..rng.below(4)).map(|_| *rng.pick(&pieces)).collect()
}

fn float(rng: &mut XorShift) -> f64 {
    match rng.below(6) {
        0 => f64::from_bits(rng.next_u64()),
        1 => *rng.pick(&[0.0, -0.0, 0.1, 1e15, 1e16, 1e-5, 1e-6, 123456789012345678.0, 0.30000000000000004, 1e300, 5e-324, f64::MAX, -1.5e-7, 9007199254740993.0]),
        2 => rng.range(-1000, 1000) as f64 / 8.0,
        3 => (rng.next_u64() >> 11) as f64 * 10f64.powi(rng.range(-30, 30) as i32),
        _ => rng.range(-9007199254740991, 9007199254740991) as f64,
    }
}

fn meta(rng: &mut XorShift) -> Meta {
    Meta { owner: text(rng), retries: rng.chance(50).then(|| rng.below(256) as u8) }
}

fn job(rng: &mut XorShift) -> Job {
    let finite = |x: f64| if x.is_finite() { x } else { 0.5 };
    Job {
        id: text(rng),
        attempts: rng.range(-9007199254740991, 9007199254740991),
        priority: rng.below(256) as u8,
        delta: rng.range(i32::MIN as i64, i32::MAX as i64) as i32,
        score: finite(float(rng)),
        done: rng.chance(50),
        owner: rng.chance(50).then(|| text(rng)),
        tags: (0..rng.below(4)).map(|_| text(rng)).collect(),
        counts: (0..rng.below(4)).map(|_| (text(rng), rng.range(-5, 5))).collect(),
        meta: rng.chance(50).then(|| meta(rng)),
        history: (0..rng.below(3)).map(|_| meta(rng)).collect(),
        weights: (0..rng.below(4)).map(|_| finite(float(rng))).collect(),
    }
}

/// `roundtrip(text)` on the server and in the twin: the same reply.
fn same_roundtrip(con: &mut Connection, text: &str) -> Result<String, String> {
    let lua = lua_outcome(jsonlib::roundtrip(text).call(con));
    let twin = twin_outcome(try_twin(con, || jsonlib::twin::roundtrip(text.to_string())));
    assert_eq!(lua, twin, "roundtrip of {text:?}");
    lua
}

/// Damages a JSON text: a character removed, doubled or replaced, or a trap spliced in.
fn damage(rng: &mut XorShift, s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let at = rng.below(chars.len() as u64 + 1) as usize;
    let traps = ["NaN", "Infinity", "0x10", "01", "-0", "1.0", "1e2", "1e400", ",", "]", "}", "null", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u00e9\"", "\"\\/\"", "9007199254740992", "9007199254740991", "-9007199254740991", "'a'", "/*x*/", " ", "\u{0}", "\"\t\"", "true", "[]", "{}", "\"id\":\"x\",", "\"zz\":1,", "1.", ".5", "-", "+1"];
    let (head, tail): (String, String) = (chars[..at].iter().collect(), chars[at..].iter().collect());
    match rng.below(4) {
        0 if at < chars.len() => format!("{head}{}", chars[at + 1..].iter().collect::<String>()),
        1 if at < chars.len() => format!("{head}{}{tail}", chars[at]),
        2 if at < chars.len() => format!("{head}{}{}", rng.pick(&traps), chars[at + 1..].iter().collect::<String>()),
        _ => format!("{head}{}{tail}", rng.pick(&traps)),
    }
}

#[test]
fn the_twin_writes_what_serde_json_writes_and_reads_it_back() {
    let mut rng = XorShift::new(0x15);
    for case in 0..2000 {
        let j = job(&mut rng);
        let ours = json_encode(&j);
        let serde = serde_json::to_string(&to_serde(&j)).unwrap();
        assert_eq!(ours, serde, "case {case}");
        let back: Job = json_decode(&ours).unwrap_or_else(|e| panic!("case {case}: {e:?} for {ours}"));
        assert_eq!(back, j, "case {case}");
        let serde_back: serde_side::Job = serde_json::from_str(&ours).unwrap();
        assert_eq!(serde_back, to_serde(&back), "case {case}");
    }
}

#[test]
fn random_records_and_damaged_text_read_and_write_as_the_twin_does() {
    let server = redlua::testing::TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let mut rng = XorShift::new(17);
    let (mut ok, mut rejected) = (0, 0);
    for case in 0..600 {
        let j = job(&mut rng);
        let good = json_encode(&j);
        let text = match rng.below(3) {
            0 => good.clone(),
            _ => damage(&mut rng, &good),
        };
        let lua = same_roundtrip(&mut con, &text);
        match &lua {
            Ok(out) => {
                ok += 1;
                if text == good {
                    // The Lua wrote exactly the text it read (keys of the map sorted).
                    assert_eq!(out, &good, "case {case}");
                }
            }
            Err(e) => {
                rejected += 1;
                assert!(e.starts_with("REJECT Job"), "case {case}: {e}");
            }
        }
        if rng.chance(20) {
            let (lk, tk) = (format!("lua:{case}"), format!("twin:{case}"));
            let lua = lua_outcome(jsonlib::bump(lk.as_str(), text.as_str()).call(&mut con));
            let twin = twin_outcome(try_twin(&mut con, || jsonlib::twin::bump(Key::from(tk.as_str()), text.clone())));
            assert_eq!(lua, twin, "bump, case {case}: {text}");
            let (l, t): (Option<String>, Option<String>) = (redis::cmd("GET").arg(&lk).query(&mut con).unwrap(), redis::cmd("GET").arg(&tk).query(&mut con).unwrap());
            assert_eq!(l, t, "case {case}");
        }
    }
    assert!(ok > 150 && rejected > 150, "{ok} read, {rejected} rejected");
}

/// Each trap of cjson, with the Rust meaning the Lua gives.
#[test]
fn each_trap_has_the_rust_meaning() {
    let server = redlua::testing::TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let base = r#""id":"j","attempts":1,"priority":2,"delta":-3,"score":0.5,"done":false,"tags":[],"counts":{},"history":[],"weights":[]"#;
    let with = |extra: &str| format!("{{{base}{extra}}}");
    let job_text = |fields: &str| format!(r#"{{"id":"j","priority":2,"delta":-3,"done":false,"tags":[],"counts":{{}},"history":[],"weights":[],{fields}}}"#);
    let cases: Vec<(String, Result<&str, &str>)> = vec![
        // Numbers as serde_json writes them, not %.14g.
        (job_text(r#""attempts":9007199254740991,"score":0.30000000000000004"#), Ok(r#""attempts":9007199254740991,"priority":2,"delta":-3,"score":0.30000000000000004,"#)),
        (job_text(r#""attempts":1,"score":1e16"#), Ok(r#""score":1e+16,"#)),
        (job_text(r#""attempts":1,"score":123456789.12345679"#), Ok(r#""score":123456789.12345679,"#)),
        (job_text(r#""attempts":1,"score":3"#), Ok(r#""score":3.0,"#)),
        (job_text(r#""attempts":1,"score":-0"#), Ok(r#""score":-0.0,"#)),
        (job_text(r#""attempts":1,"score":1E-7"#), Ok(r#""score":1e-7,"#)),
        // Integers past 2^53, and numbers that are not integers.
        (job_text(r#""attempts":9007199254740992,"score":1"#), Err("Job.attempts is not a valid i64")),
        (job_text(r#""attempts":-9007199254740993,"score":1"#), Err("Job.attempts is not a valid i64")),
        (job_text(r#""attempts":1.0,"score":1"#), Err("Job.attempts is not a valid i64")),
        (job_text(r#""attempts":1e2,"score":1"#), Err("Job.attempts is not a valid i64")),
        (job_text(r#""attempts":-0,"score":1"#), Err("Job.attempts is not a valid i64")),
        (with(r#","priority":256"#).replacen(r#""priority":2,"#, "", 1), Err("Job.priority is not a valid u8")),
        // Empty Vec and map: [] and {}, never {} for an array.
        (with(""), Ok(r#""tags":[],"counts":{},"meta":null,"history":[],"weights":[]}"#)),
        (with("").replacen(r#""tags":[]"#, r#""tags":{}"#, 1), Err("Job.tags is not a valid Vec<String>")),
        // null is None for an Option only.
        (with(r#","owner":null,"meta":null"#), Ok(r#""owner":null,"#)),
        (with("").replacen(r#""attempts":1"#, r#""attempts":null"#, 1), Err("Job.attempts is not a valid i64")),
        (with("").replacen(r#""tags":[]"#, r#""tags":[null]"#, 1), Err("Job.tags[0] is not a valid String")),
        (with(r#","meta":{"owner":null}"#), Err("Job.meta.owner is not a valid String")),
        (with(r#","meta":{"retries":1}"#), Err("Job.meta.owner is missing")),
        (with("").replacen(r#""id":"j","#, "", 1), Err("Job.id is missing")),
        // Duplicate keys: a struct's field given twice is refused (as serde's derive does);
        // a map keeps the last; a key the struct does not name is ignored.
        (with(r#","id":"k""#), Err("Job.id is given twice")),
        (with(r#","zz":1,"zz":[1,{"a":null}]"#), Ok(r#""id":"j","#)),
        (with("").replacen(r#""counts":{}"#, r#""counts":{"b":1,"a":2,"b":3}"#, 1), Ok(r#""counts":{"a":2,"b":3}"#)),
        (with("").replacen(r#""counts":{}"#, r#""counts":{"b":1,"a":2,"b":true}"#, 1), Err(r#"Job.counts["b"] is not a valid i64"#)),
        // What cjson reads and JSON does not.
        (with(r#","zz":NaN"#), Err("Job is not valid JSON")),
        (with(r#","zz":Infinity"#), Err("Job is not valid JSON")),
        (with(r#","zz":0x10"#), Err("Job is not valid JSON")),
        (with(r#","zz":01"#), Err("Job is not valid JSON")),
        (with(r#","zz":1e400"#), Err("Job is not valid JSON")),
        (with(r#","zz":[1,]"#), Err("Job is not valid JSON")),
        (with(r#","zz":'a'"#), Err("Job is not valid JSON")),
        (format!("{} x", with("")), Err("Job is not valid JSON")),
        (String::new(), Err("Job is not valid JSON")),
        // Strings: escapes, surrogate pairs, control characters.
        (with("").replacen(r#""id":"j""#, r#""id":"\/\u00e9\ud83d\ude00\u0001\n""#, 1), Ok(r#""id":"/é😀\u0001\n""#)),
        (with("").replacen(r#""id":"j""#, r#""id":"\ud800""#, 1), Err("Job is not valid JSON")),
        (with("").replacen(r#""id":"j""#, r#""id":"\udc00""#, 1), Err("Job is not valid JSON")),
        (with("").replacen(r#""id":"j""#, "\"id\":\"a\tb\"", 1), Err("Job is not valid JSON")),
        // Not an object.
        ("[]".to_string(), Err("Job is not a valid Job")),
        (with(r#","meta":[]"#), Err("Job.meta is not a valid Meta")),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let got = same_roundtrip(&mut con, text);
        match (want, &got) {
            (Ok(part), Ok(out)) => assert!(out.contains(part), "case {i}: {out} lacks {part}"),
            (Err(message), Err(e)) => assert_eq!(e, &format!("REJECT {message}"), "case {i}: {text}"),
            _ => panic!("case {i}: {text} gave {got:?}, expected {want:?}"),
        }
    }
    // Nesting: 127 levels are read (here inside a field the struct ignores), 128 are not.
    for (levels, fine) in [(127, true), (128, false)] {
        let deep = format!("{}{}", "[".repeat(levels - 1), "]".repeat(levels - 1));
        let got = same_roundtrip(&mut con, &with(&format!(r#","zz":{deep}"#)));
        assert_eq!(got.is_ok(), fine, "{levels} levels: {got:?}");
    }
}

/// Values the Lua built itself: an empty Vec is `[]`, floats as serde_json writes them.
#[test]
fn values_built_in_the_function_encode_as_serde_json_does() {
    let server = redlua::testing::TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let mut rng = XorShift::new(5);
    for _ in 0..300 {
        let x = float(&mut rng);
        let id = text(&mut rng);
        let n = rng.range(-9007199254740991, 9007199254740991);
        let lua = jsonlib::make(id.as_str(), n, x).call(&mut con).unwrap();
        let twin = redlua::twin::run(&mut con, || jsonlib::twin::make(id.clone(), n, x));
        assert_eq!(lua, twin, "{x:?}");
        let serde = serde_json::to_string(&serde_side::Job { id: id.clone(), attempts: n, priority: 0, delta: -1, score: x, done: true, owner: None, tags: vec![], counts: BTreeMap::new(), meta: None, history: vec![], weights: vec![x, 0.1 + 0.2] }).unwrap();
        assert_eq!(lua, serde);
    }
    let out = jsonlib::make("a/b", 1, f64::NAN).call(&mut con).unwrap();
    assert_eq!(out, r#"{"id":"a/b","attempts":1,"priority":0,"delta":-1,"score":null,"done":true,"owner":null,"tags":[],"counts":{},"meta":null,"history":[],"weights":[null,0.30000000000000004]}"#);
    let f = jsonlib::fields(r#"{"id":"j","attempts":-7,"priority":2,"delta":-3,"score":2.5,"done":false,"tags":["a","b"],"counts":{"x":1},"history":[],"weights":[]}"#).call(&mut con).unwrap();
    assert_eq!(f, (-7, 2.5, None, 2, 1));
}

/// Text that is not UTF-8 is not JSON, as `serde_json::from_slice` says.
#[test]
fn invalid_utf8_is_not_json() {
    let server = redlua::testing::TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    jsonlib::roundtrip("{}").call(&mut con).unwrap_err();
    let texts: [&[u8]; 8] = [b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\xc3\xa9", b"\xf0\x9f\x98\x80", b"\xe0\x80\xaf"];
    for t in texts {
        let mut text = br#"{"id":""#.to_vec();
        text.extend_from_slice(t);
        text.extend_from_slice(br#"","attempts":1,"priority":2,"delta":-3,"score":0.5,"done":false,"tags":[],"counts":{},"history":[],"weights":[]}"#);
        let lua: redis::RedisResult<String> = redis::cmd("FCALL_RO").arg("roundtrip").arg(0).arg(&text).query(&mut con);
        let serde_ok = redlua::json::parse(&text).is_ok();
        assert_eq!(serde_ok, std::str::from_utf8(t).is_ok());
        match lua {
            Ok(out) => {
                assert!(serde_ok, "{t:?}");
                let twin = json_encode(&json_decode::<Job>(std::str::from_utf8(&text).unwrap()).unwrap());
                assert_eq!(out, twin);
            }
            Err(e) => {
                assert!(!serde_ok, "{t:?}: {e}");
                assert_eq!(e.detail(), Some("Job is not valid JSON"), "{e:?}");
            }
        }
    }
}

#[test]
fn maps_encode_with_sorted_keys_on_both_sides() {
    let mut counts = HashMap::new();
    for k in ["b", "a", "é", "Z", "aa", ""] {
        counts.insert(k.to_string(), 1);
    }
    let j = Job { id: String::new(), attempts: 0, priority: 0, delta: 0, score: 0.0, done: false, owner: None, tags: vec![], counts, meta: None, history: vec![], weights: vec![] };
    let text = json_encode(&j);
    assert!(text.contains(r#""counts":{"":1,"Z":1,"a":1,"aa":1,"b":1,"é":1}"#), "{text}");
    let server = redlua::testing::TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    assert_eq!(jsonlib::roundtrip(text.as_str()).call(&mut con).unwrap(), text);
}
