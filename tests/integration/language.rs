//! Differential tests of the language: every function runs as generated Lua on a real
//! server and as its native Rust twin, on the same inputs, and the two must agree.

use redlua::prelude::*;
use redlua::testing::TestServer;

#[redlua::library(name = "lang")]
pub mod lang {
    use redlua::prelude::*;

    /// Loops with `continue` and `break`, a `match` with guards, a closure, a Vec and
    /// a tuple reply: sums the multiples of `k` in `0..n` that are not multiples of 3,
    /// stopping past `limit`, and classifies the result.
    #[redis_function(read_only)]
    pub fn digest(n: i64, k: i64, limit: i64) -> (i64, String, Vec<i64>, bool) {
        let scale = |x: i64| x * 2;
        let mut total = 0;
        let mut picked: Vec<i64> = Vec::new();
        for i in 0..n {
            if k == 0 || i % k != 0 {
                continue;
            }
            if i % 3 == 0 {
                continue;
            }
            total += scale(i);
            picked.push(i);
            if total > limit {
                break;
            }
        }
        let class = match total {
            0 => "zero".to_string(),
            t if t < 0 => "negative".to_string(),
            1..=99 => "small".to_string(),
            _ => format!("big:{total}"),
        };
        let mut j = 0;
        let mut countdown = 0;
        while j < 5 {
            j += 1;
            if j == 2 {
                continue;
            }
            countdown += j;
        }
        let any = !picked.is_empty();
        (total + countdown, class, picked, any)
    }

    /// Integer division and remainder with Rust's signs, `if let`, Option replies.
    #[redis_function(read_only)]
    pub fn arith(a: i64, b: i64) -> (Option<i64>, Option<i64>, i64, i64, i64) {
        let q = if b == 0 { None } else { Some(a / b) };
        let r = if b == 0 { None } else { Some(a % b) };
        let mut m = 0;
        if let Some(x) = q {
            m = x.abs().min(1000).max(-1000);
        }
        let mut down = 0;
        for i in (0..(b.abs() % 7)).rev() {
            down = down * 10 + i;
        }
        let mut stepped = 0;
        for i in (0..20).step_by(3) {
            stepped += i;
        }
        (q, r, m, down, stepped)
    }

    /// `.rev()` and `.step_by(s)` together on a range, in both orders (`step_by` then
    /// `rev` needs an exact length: a `usize` range), inclusive and exclusive.
    #[redis_function(read_only)]
    pub fn stepped_ranges(a: i64, b: i64, s: i64) -> (Vec<i64>, Vec<i64>, Vec<usize>, Vec<usize>) {
        let step = s as usize;
        let mut down = Vec::new();
        for i in (a..b).rev().step_by(step) {
            down.push(i);
        }
        let mut down_incl = Vec::new();
        for i in (a..=b).rev().step_by(step) {
            down_incl.push(i);
        }
        let (lo, hi) = ((a.abs() % 20) as usize, (b.abs() % 20) as usize);
        let mut ends = Vec::new();
        for i in (lo..hi).step_by(step).rev() {
            ends.push(i);
        }
        let mut odd = Vec::new();
        for i in (lo..hi + 3).step_by(step + 1).rev() {
            if i % 2 == 1 {
                continue;
            }
            odd.push(i);
        }
        (down, down_incl, ends, odd)
    }

    /// `for` over a copy of a Vec the body changes (`v.clone()`, `v.to_vec()`), over a
    /// helper's Vec and over an `Option<Vec>` unwrapped: the loop runs over the value the
    /// expression had when the loop started.
    #[redis_function(read_only)]
    pub fn loop_over_copies(mut words: Vec<String>) -> (Vec<String>, usize, i64) {
        for w in words.clone() {
            if w.len() > 1 {
                words.push(format!("{w}!"));
            }
        }
        let mut n = 0;
        for w in words.to_vec() {
            words.retain(|x| *x != w);
            n += 1;
        }
        let maybe = if n > 2 { Some(vec![n as i64, 1]) } else { None };
        let mut total = 0;
        for x in maybe.clone().unwrap_or_default() {
            total += x;
        }
        (words, n, total)
    }

    /// Strings: concatenation, `format!`, `parse`, `starts_with`, `contains`, lengths.
    #[redis_function]
    pub fn text(counter: Key, s: String, n: i64) -> (String, i64, bool, bool, i64) {
        let parsed = s.parse::<i64>().unwrap_or(-1);
        let label = format!("{}#{}", s, n) + "!";
        let hits = incr_by(&counter, n);
        (label, parsed, s.starts_with("ab"), s.contains("z"), s.len() as i64 + hits)
    }

    /// `loop` with `break`, Vec indexing, `match` on Option and strings.
    #[redis_function(read_only)]
    pub fn pick(items: String, idx: i64) -> Option<String> {
        let v = vec!["zero".to_string(), "one".to_string(), items];
        let mut i = 0;
        loop {
            i += 1;
            if i >= 3 {
                break;
            }
        }
        let chosen = if idx >= 0 && idx < v.len() as i64 { Some(v[idx as usize].clone()) } else { None };
        match chosen {
            Some(s) if s == "one" => Some("ONE".to_string()),
            Some(s) => Some(s + "/" + &i.to_string()),
            None => None,
        }
    }
}

#[redlua::library(name = "lang_more")]
pub mod lang_more {
    use redlua::prelude::*;

    /// A plain helper of the library: translated once, shared by the functions.
    fn clamp(n: i64, lo: i64, hi: i64) -> i64 {
        if n < lo {
            lo
        } else if n > hi {
            hi
        } else {
            n
        }
    }

    /// A recursive helper.
    fn digits(n: i64) -> Vec<i64> {
        if n < 10 {
            return vec![n];
        }
        let mut head = digits(n / 10);
        head.push(n % 10);
        head
    }

    /// A helper that writes: callable only from writing functions.
    fn bump(counter: &Key, by: i64) -> i64 {
        incr_by(counter, by)
    }

    /// `?` on Option, `let ... else`, `while let`, Option combinators, helpers.
    #[redis_function]
    pub fn mixed(counter: Key, raw: String, n: i64) -> Option<(i64, Vec<i64>, String, bool)> {
        let parsed = raw.parse::<i64>().ok()?;
        let Some(small) = Some(parsed).filter(|x| *x < 1000) else {
            return None;
        };
        let doubled = Some(small).map(|x| x * 2).unwrap_or_else(|| 0);
        let mut stack = digits(clamp(n, 0, 99_999));
        let mut sum = 0;
        while let Some(d) = stack.pop() {
            if d == 0 {
                continue;
            }
            sum += d;
        }
        fn label(v: i64) -> String {
            match v {
                0 => "none".to_string(),
                v if v % 2 == 0 => format!("even {v}"),
                _ => format!("odd {v}"),
            }
        }
        let bumped = bump(&counter, 1);
        let positive = Some(doubled).is_some_and(|x| x > 0);
        Some((sum + doubled + bumped, digits(clamp(small, 0, 999_999)), label(sum), positive))
    }

    /// `.ok_or(reject!(..))?` in a function returning `Result`.
    #[redis_function]
    pub fn must_parse(raw: String) -> Result<i64, Reject> {
        let n = raw.parse::<i64>().ok().ok_or(reject!("not a number"))?;
        let m = Some(n).and_then(|x| if x >= 0 { Some(x) } else { None }).ok_or_else(|| reject!("negative"))?;
        Ok(m + 1)
    }
}

#[redlua::library(name = "lang_float")]
pub mod lang_float {
    use redlua::prelude::*;

    /// Float arithmetic, rounding, casts, formatting and float replies.
    #[redis_function(read_only)]
    pub fn calc(x: f64, y: f64, n: i64) -> (f64, f64, String, i64, f64, bool) {
        let ratio = if y == 0.0 { 0.0 } else { x / y };
        let mixed = x * 1.5 - n as f64 + x % 3.0;
        let text = format!("{}|{}", ratio, (x * 0.1 + 0.2).floor());
        let rounded = (x.round() + y.trunc() + x.ceil()).abs();
        let clipped = (x as i64).max(-1_000_000_000).min(1_000_000_000);
        (ratio, mixed, text, clipped, rounded.sqrt(), x > y)
    }

    /// Floats stored and read back through Redis, formatted as Rust prints them.
    #[redis_function]
    pub fn store(key: Key, x: f64) -> Option<f64> {
        set(&key, x * 3.0);
        let back = get::<f64>(&key)?;
        Some(back / 3.0)
    }

    /// `parse::<f64>` with Rust's grammar.
    #[redis_function(read_only)]
    pub fn parse(raw: String) -> Option<f64> {
        raw.parse::<f64>().ok()
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
}

const EDGE: &[i64] = &[0, 1, -1, 2, -2, 3, -7, 7, 100, -100, 9_007_199_254_740_991, -9_007_199_254_740_991];

#[test]
fn digest_and_arith_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let mut rng = Rng(0x9e3779b97f4a7c15);
    for round in 0..1500 {
        let (n, k, limit) = (rng.range(0, 60), rng.range(-3, 9), rng.range(-10, 400));
        let lua = lang::digest(n, k, limit).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang::twin::digest(n, k, limit));
        assert_eq!(lua, rust, "digest({n}, {k}, {limit})");

        let (a, b) = if round < EDGE.len() * EDGE.len() {
            (EDGE[round % EDGE.len()], EDGE[round / EDGE.len()])
        } else {
            (rng.range(-1_000_000, 1_000_000), rng.range(-50, 50))
        };
        let lua = lang::arith(a, b).call(&mut con);
        let rust = redlua::twin::try_run(&mut con, || lang::twin::arith(a, b));
        match (lua, rust) {
            (Ok(l), Ok(r)) => assert_eq!(l, r, "arith({a}, {b})"),
            (l, r) => panic!("arith({a}, {b}): lua {l:?} vs rust {r:?}"),
        }
    }
}

#[test]
fn rev_and_step_by_together_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for a in [-5, 0, 3, 7] {
        for b in [-4, 0, 1, 9, 16] {
            for s in [0, 1, 2, 3, 7] {
                let lua = lang::stepped_ranges(a, b, s).call(&mut con).map_err(|e| e.to_string().contains("step_by needs a positive step"));
                let rust = redlua::twin::try_run(&mut con, || lang::twin::stepped_ranges(a, b, s)).map_err(|_| true);
                assert_eq!(lua, rust, "stepped_ranges({a}, {b}, {s})");
            }
        }
    }
    let (down, down_incl, ends, _) = lang::stepped_ranges(0, 9, 4).call(&mut con).unwrap();
    assert_eq!((down, down_incl, ends), (vec![8, 4, 0], vec![9, 5, 1], vec![8, 4, 0]));
}

#[test]
fn loops_over_copies_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for words in [vec![], vec!["a"], vec!["ab", "c", "ab"], vec!["xyz", "é", "", "no"]] {
        let words: Vec<String> = words.into_iter().map(String::from).collect();
        let lua = lang::loop_over_copies(words.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang::twin::loop_over_copies(words.clone()));
        assert_eq!(lua, rust, "{words:?}");
    }
    assert_eq!(lang::loop_over_copies(vec!["ab", "c"]).call(&mut con).unwrap(), (vec![], 3, 4));
}

#[test]
fn strings_and_effects_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let mut rng = Rng(77);
    let words = ["", "ab", "abz", "42", "-17", "+5", "0x10", "1e3", " 7", "zz", "ab12", "-0", "007"];
    for i in 0..600 {
        let s = words[i % words.len()].to_string();
        let n = rng.range(-5, 5);
        let lua = lang::text("lua:counter", &s, n).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang::twin::text(Key::from("rust:counter"), s.clone(), n));
        assert_eq!(lua, rust, "text({s:?}, {n})");
        let idx = rng.range(-2, 4);
        let lua = lang::pick(&s, idx).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang::twin::pick(s.clone(), idx));
        assert_eq!(lua, rust, "pick({s:?}, {idx})");
    }
    let a: i64 = redis::cmd("GET").arg("lua:counter").query(&mut con).unwrap();
    let b: i64 = redis::cmd("GET").arg("rust:counter").query(&mut con).unwrap();
    assert_eq!(a, b, "both versions leave the same counter");
}

/// Traps: each of these would give a wrong answer with the naive Lua translation.
#[test]
fn traps_keep_their_rust_meaning() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    // Lua's `%` floors (-7 % 3 == 2) and `/` is float division: Rust truncates.
    let (q, r, ..) = lang::arith(-7, 3).call(&mut con).unwrap();
    assert_eq!((q, r), (Some(-2), Some(-1)));
    // Division by zero is refused by the function itself here (None), not by Lua's inf.
    let (q, r, ..) = lang::arith(5, 0).call(&mut con).unwrap();
    assert_eq!((q, r), (None, None));
    // `continue` in Lua 5.1 needs a translation: counts 1 + 3 + 4 + 5 = 13, skipping 2.
    let (total, class, picked, any) = lang::digest(0, 1, 0).call(&mut con).unwrap();
    assert_eq!((total, class.as_str(), picked.len(), any), (13, "zero", 0, false));
    // "0x10", "1e3" and " 7" are numbers for Lua's tonumber, not for Rust's parse.
    for s in ["0x10", "1e3", " 7", "1.0", ""] {
        let (_, parsed, ..) = lang::text("c", s, 0).call(&mut con).unwrap();
        assert_eq!(parsed, -1, "{s:?} must not parse");
    }
    // Beyond 2^53 Lua cannot hold the number: an error, never a wrong number, and the
    // error names the Rust line of the `parse`.
    match lang::text("c", "9007199254740993", 0).call(&mut con) {
        Err(redlua::Error::Script { message, location }) => {
            assert!(message.contains("integer overflow"), "{message}");
            let loc = location.expect("mapped to the Rust source");
            assert_eq!(loc.file, "language.rs");
            let parse_line = include_str!("language.rs").lines().position(|l| l.trim() == "let parsed = s.parse::<i64>().unwrap_or(-1);").map(|i| i + 1);
            assert_eq!(Some(loc.line as usize), parse_line, "the line of `s.parse::<i64>()`");
        }
        other => panic!("expected a script error, got {other:?}"),
    }
    // Out-of-bounds indexes are refused before indexing (None), 0-based like Rust.
    assert_eq!(lang::pick("x", 0).call(&mut con).unwrap(), Some("zero/3".to_string()));
    assert_eq!(lang::pick("x", 2).call(&mut con).unwrap(), Some("x/3".to_string()));
    assert_eq!(lang::pick("x", 3).call(&mut con).unwrap(), None);
}

#[test]
fn helpers_question_mark_let_else_and_while_let_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let mut rng = Rng(4242);
    let raws = ["12", "-3", "999", "1000", "abc", "", "0", "7", "+8", "500"];
    for i in 0..800 {
        let raw = raws[i % raws.len()].to_string();
        let n = rng.range(-50, 200_000);
        let lua = lang_more::mixed("lua:c", &raw, n).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_more::twin::mixed(Key::from("rust:c"), raw.clone(), n));
        assert_eq!(lua, rust, "mixed({raw:?}, {n})");
        let lua = lang_more::must_parse(&raw).call(&mut con);
        let rust = redlua::twin::run(&mut con, || lang_more::twin::must_parse(raw.clone()));
        match (lua, rust) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "must_parse({raw:?})"),
            (Err(redlua::Error::Rejected { message }), Err(r)) => assert_eq!(message, r.message(), "must_parse({raw:?})"),
            (l, r) => panic!("must_parse({raw:?}): lua {l:?} vs rust {r:?}"),
        }
    }
    let a: i64 = redis::cmd("GET").arg("lua:c").query(&mut con).unwrap();
    let b: i64 = redis::cmd("GET").arg("rust:c").query(&mut con).unwrap();
    assert_eq!(a, b);
    // The helpers are emitted once, as Lua functions of the library chunk.
    assert!(lang_more::LUA.contains("h_digits = function(n)"), "{}", lang_more::LUA);
    assert_eq!(lang_more::LUA.matches("h_clamp = function").count(), 1);
}


#[test]
fn floats_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let mut rng = Rng(99);
    let specials = [0.0, -0.0, 0.1, 0.2, 0.30000000000000004, 1e20, 1e21, 1e-7, 123456.789, -2.5, 2.5, 0.5, -0.5, 1e300, 5e-324, 9007199254740993.0];
    for i in 0..3000 {
        let pick = |rng: &mut Rng| -> f64 {
            match rng.next() % 4 {
                0 => specials[(rng.next() % specials.len() as u64) as usize],
                1 => (rng.range(-1_000_000, 1_000_000) as f64) / 1000.0,
                2 => f64::from_bits(rng.next() >> 2) * if rng.next() % 2 == 0 { 1.0 } else { -1.0 },
                _ => rng.range(-100, 100) as f64 * 0.1,
            }
        };
        let (x, y) = (pick(&mut rng), pick(&mut rng));
        if !x.is_finite() || !y.is_finite() {
            continue;
        }
        let n = rng.range(-10, 10);
        let lua = lang_float::calc(x, y, n).call(&mut con);
        let rust = redlua::twin::try_run(&mut con, || lang_float::twin::calc(x, y, n));
        match (lua, rust) {
            (Ok(l), Ok(r)) => {
                // NaN != NaN: compare the text Rust prints.
                assert_eq!(format!("{l:?}"), format!("{r:?}"), "calc({x:?}, {y:?}, {n}) round {i}");
            }
            (Err(redlua::Error::Script { message, .. }), _) if message.contains("integer overflow") && x.abs() > 9007199254740991.0 => {}
            (l, r) => panic!("calc({x:?}, {y:?}, {n}): lua {l:?} vs rust {r:?}"),
        }
        let lua = lang_float::store("lua:f", x).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_float::twin::store(Key::from("rust:f"), x));
        assert_eq!(format!("{lua:?}"), format!("{rust:?}"), "store({x:?})");
        let a: Vec<u8> = redis::cmd("GET").arg("lua:f").query(&mut con).unwrap();
        let b: Vec<u8> = redis::cmd("GET").arg("rust:f").query(&mut con).unwrap();
        assert_eq!(a, b, "the same bytes are stored for {x:?}");
    }
    for raw in ["1.5", "-0", "inf", "-infinity", "NaN", "1e5", ".5", "5.", "0x10", " 1", "1 ", "", "e5", "1e", "+3.25"] {
        let lua = lang_float::parse(raw).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_float::twin::parse(raw.to_string()));
        assert_eq!(format!("{lua:?}"), format!("{rust:?}"), "parse({raw:?})");
    }
}


#[redlua::library(name = "lang_rest")]
pub mod lang_rest {
    use redlua::prelude::*;

    /// A trailing `Vec<Key>` takes the remaining KEYS, a trailing `Vec<T>` the remaining ARGV.
    #[redis_function]
    pub fn spread(counters: Vec<Key>, weight: i64, amounts: Vec<i64>) -> (i64, i64, Vec<i64>) {
        let mut total = 0;
        let mut n = 0;
        for c in counters.iter() {
            total += incr_by(c, weight);
            n += 1;
        }
        for a in amounts.iter() {
            total += a * weight;
        }
        (total, n, amounts)
    }
}

#[test]
fn trailing_vec_parameters_take_the_remaining_keys_and_arguments() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for round in 0..5i64 {
        let lua_keys: Vec<String> = (0..round).map(|i| format!("lua:c{i}")).collect();
        let rust_keys: Vec<Key> = (0..round).map(|i| Key::from(format!("rust:c{i}"))).collect();
        let amounts: Vec<i64> = (0..(round * 3)).map(|i| i - 4).collect();
        let lua = lang_rest::spread(lua_keys.clone(), round, amounts.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_rest::twin::spread(rust_keys.clone(), round, amounts.clone()));
        assert_eq!(lua, rust, "round {round}");
        assert_eq!(lua.1, round);
    }
    // 10,000 arguments: more than Lua's unpack could take.
    let many: Vec<i64> = (0..10_000).collect();
    let (total, n, back) = lang_rest::spread(Vec::<String>::new(), 1, many.clone()).call(&mut con).unwrap();
    assert_eq!((total, n, back), (many.iter().sum::<i64>(), 0, many));
}

#[redlua::library(name = "lang_iter")]
pub mod lang_iter {
    use redlua::prelude::*;

    /// Iterator chains over Vecs, ranges and split strings, each run as one Lua loop.
    #[redis_function(read_only)]
    pub fn chains(csv: String, n: i64) -> (Vec<i64>, i64, i64, bool, bool, Option<i64>, Option<i64>, Vec<String>, Vec<(i64, String)>) {
        let nums: Vec<i64> = csv.split(",").map(|p| p.parse::<i64>().unwrap_or(0)).collect();
        let doubled: Vec<i64> = nums.iter().filter(|x| **x % 2 == 0).map(|x| x * 2).collect();
        let total = (0..n).into_iter().filter(|i| i % 3 != 0).sum::<i64>();
        let big = nums.iter().filter(|x| **x > 10).count() as i64;
        let any_neg = nums.iter().any(|x| *x < 0);
        let all_small = nums.iter().all(|x| *x < 100);
        let first_big = nums.iter().find(|x| **x > 10).copied();
        let where_big = nums.iter().position(|x| *x > 10).map(|p| p as i64);
        let words: Vec<String> = csv.split(",").skip(1).take(2).map(|w| w.to_string()).collect();
        let mut indexed = Vec::new();
        for (i, w) in csv.split(",").enumerate() {
            if i >= 3 {
                break;
            }
            indexed.push((i as i64, w.to_string()));
        }
        (doubled, total, big, any_neg, all_small, first_big, where_big, words, indexed)
    }

    /// `chunks`, `rev`, `min`/`max` and sums of floats.
    #[redis_function(read_only)]
    pub fn shapes(n: i64, k: i64) -> (Vec<Vec<i64>>, Vec<i64>, Option<i64>, Option<i64>, f64) {
        let v: Vec<i64> = (0..n).into_iter().map(|i| i * 7 % 10).collect();
        let chunked: Vec<Vec<i64>> = v.chunks(k.max(1) as usize).map(|c| c.to_vec()).collect();
        let backwards: Vec<i64> = v.iter().rev().map(|x| *x).collect();
        let halves = v.iter().map(|x| *x as f64 * 0.5).sum::<f64>();
        (chunked, backwards, v.iter().min().copied(), v.iter().max().copied(), halves)
    }
}

#[test]
fn iterator_chains_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let mut rng = Rng(5);
    let csvs = ["", "1", "1,2,3", "4,,x,12,-3", "100,200,11,2", ",,", "7,8,9,10,11,12,13"];
    for i in 0..300 {
        let csv = csvs[i % csvs.len()].to_string();
        let n = rng.range(0, 40);
        let lua = lang_iter::chains(&csv, n).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_iter::twin::chains(csv.clone(), n));
        assert_eq!(lua, rust, "chains({csv:?}, {n})");
        let k = rng.range(0, 5);
        let lua = lang_iter::shapes(n, k).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_iter::twin::shapes(n, k));
        assert_eq!(format!("{lua:?}"), format!("{rust:?}"), "shapes({n}, {k})");
    }
}

#[redlua::library(name = "lang_str")]
pub mod lang_str {
    use redlua::prelude::*;

    /// String methods with Rust's meaning (Unicode whitespace in `trim`, ASCII-only case
    /// changes, literal `replace`, byte offsets in `find`, characters in `chars().count()`).
    #[redis_function(read_only)]
    pub fn strings(s: String, pat: String, n: i64) -> (String, String, String, String, String, String, Option<i64>, i64, i64) {
        let reps = n.max(0).min(3);
        (
            s.trim().to_string(),
            s.trim_start().to_string(),
            s.trim_end().to_string(),
            s.to_ascii_uppercase(),
            s.replace(&pat, "<>"),
            pat.repeat(reps as usize),
            s.find(&pat).map(|i| i as i64),
            s.chars().count() as i64,
            s.len() as i64,
        )
    }
}

#[test]
fn string_methods_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let samples = ["", "  a b  ", "\t\n x \r", "\u{a0}nbsp\u{3000}", "\u{2003}em\u{2028}", "MiXeD ÄÖ ß", "aaa", "a.b.c", "%d%s", "abcabc", "é"];
    let pats = ["", "a", ".", "%", "bc", "ß", " "];
    for (i, s) in samples.iter().enumerate() {
        for (j, p) in pats.iter().enumerate() {
            let n = (i + j) as i64 % 4;
            let lua = lang_str::strings(*s, *p, n).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || lang_str::twin::strings(s.to_string(), p.to_string(), n));
            assert_eq!(lua, rust, "strings({s:?}, {p:?}, {n})");
        }
    }
}

#[test]
fn inline_scripts_from_closures() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let capped = redlua::script!(|counter: Key, max: i64| -> i64 {
        let current = get::<i64>(&counter).unwrap_or(0);
        if current < max {
            incr(&counter)
        } else {
            current
        }
    });
    let lua: Vec<i64> = (0..4).map(|_| capped.prepare("lua:capped", 2).call(&mut con).unwrap()).collect();
    let rust: Vec<i64> = (0..4).map(|_| redlua::twin::run(&mut con, || capped.twin(Key::from("rust:capped"), 2))).collect();
    assert_eq!(lua, [1, 2, 2, 2]);
    assert_eq!(lua, rust);
    assert_eq!(capped.script().sha1(), redlua_compiler::sha1_hex(capped.script().code()));
    assert!(!capped.script().is_read_only());

    let peek = redlua::script!(read_only; |counter: Key| -> Option<i64> { get::<i64>(&counter) });
    assert_eq!(peek.prepare("lua:capped").call(&mut con).unwrap(), Some(2));
    assert_eq!(peek.prepare("lua:none").call(&mut con).unwrap(), None);
    assert!(peek.script().is_read_only());
    assert!(peek.script().code().starts_with("#!lua flags=no-writes"));
}

#[redlua::library(name = "lang_traps")]
pub mod lang_traps {
    use redlua::prelude::*;

    /// Lua keywords as Rust names, shadowing in nested blocks, and byte-wise string order.
    #[redis_function(read_only)]
    pub fn names(end: i64, local: String, other: String) -> (i64, i64, bool, bool, String) {
        let nil = end * 2;
        let repeat = {
            let nil = nil + 1;
            let until = nil * 10;
            until
        };
        let then = if end > 0 {
            let end = end - 1;
            end
        } else {
            end
        };
        let elseif = local < other;
        let function = local.as_str() >= "m";
        let not = format!("{local}{}", then);
        (repeat, then, elseif, function, not)
    }

    /// Rust panics on an out-of-bounds index: the Lua raises an error reply.
    #[redis_function(read_only)]
    pub fn at(i: i64) -> String {
        let v = vec!["a".to_string(), "b".to_string()];
        v[i as usize].clone()
    }
}

#[test]
fn keywords_shadowing_and_string_order_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let words = ["", "a", "B", "b", "ab", "é", "e", "Z", "zz", "m", "\u{ff}"];
    for (i, l) in words.iter().enumerate() {
        for (j, o) in words.iter().enumerate() {
            let end = (i as i64 * 7 - j as i64 * 3) % 11;
            let lua = lang_traps::names(end, *l, *o).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || lang_traps::twin::names(end, l.to_string(), o.to_string()));
            assert_eq!(lua, rust, "names({end}, {l:?}, {o:?})");
        }
    }
    // Lua keywords are renamed in the generated code.
    assert!(lang_traps::LUA.contains("local end_ = "), "{}", lang_traps::LUA);
    assert_eq!(lang_traps::at(1).call(&mut con).unwrap(), "b");
    match lang_traps::at(2).call(&mut con) {
        Err(redlua::Error::Script { message, location }) => {
            assert!(message.contains("index out of bounds: the len is 2 but the index is 2"), "{message}");
            assert_eq!(location.map(|l| l.file), Some("language.rs"));
        }
        other => panic!("expected an index error, got {other:?}"),
    }
    let twin = redlua::twin::try_run(&mut con, || lang_traps::twin::at(2));
    assert!(twin.is_err_and(|m| m.contains("index out of bounds")));
}

#[redlua::library(name = "lang_struct")]
pub mod lang_struct {
    use redlua::prelude::*;

    /// A plain struct: a Lua array in field order, an array reply.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Job {
        pub id: String,
        pub tries: i64,
        pub note: Option<String>,
        pub done: bool,
        pub weight: f64,
    }

    fn bump(job: &Job, by: i64) -> Job {
        let mut next = job.clone();
        next.tries += by;
        next.done = next.tries >= 3;
        next
    }

    #[redis_function(read_only)]
    pub fn plan(id: String, tries: i64, note: String) -> (Job, Vec<Job>) {
        let first = Job { id: id.clone(), tries, note: if note.is_empty() { None } else { Some(note) }, done: false, weight: 0.5 };
        let mut all = Vec::new();
        let mut cur = first.clone();
        for _ in 0..3 {
            cur = bump(&cur, 1);
            all.push(cur.clone());
        }
        let mut last = first;
        last.weight *= tries as f64;
        (last, all)
    }
}

#[test]
fn structs_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (id, tries, note) in [("a", 0, ""), ("b", 2, "slow"), ("", -1, "x"), ("é", 5, "")] {
        let lua = lang_struct::plan(id, tries, note).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_struct::twin::plan(id.to_string(), tries, note.to_string()));
        assert_eq!(lua, rust, "plan({id:?}, {tries}, {note:?})");
    }
    let (first, _) = lang_struct::plan("z", 2, "").call(&mut con).unwrap();
    assert_eq!(first, lang_struct::Job { id: "z".into(), tries: 2, note: None, done: false, weight: 1.0 });
}

#[redlua::library(name = "lang_map")]
pub mod lang_map {
    use redlua::prelude::*;
    use std::collections::HashMap;

    /// Word counts in a `HashMap<String, i64>`: insert, get, remove, len, iteration, a map reply.
    #[redis_function(read_only)]
    pub fn counts(text: String, drop: String) -> (HashMap<String, i64>, i64, Option<i64>, bool, i64) {
        let mut counts = HashMap::new();
        for w in text.split(" ") {
            if w.is_empty() {
                continue;
            }
            let n = counts.get(w).copied().unwrap_or(0);
            counts.insert(w.to_string(), n + 1);
        }
        let removed = counts.remove(&drop);
        let mut total = 0;
        for (_, n) in &counts {
            total += n;
        }
        let pairs: HashMap<String, i64> = vec![("a".to_string(), 1)].into_iter().collect();
        (counts.clone(), total, removed, pairs.contains_key("a"), counts.len() as i64)
    }
}

#[test]
fn maps_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (text, drop) in [("", "x"), ("a b a", "b"), ("x  y x y x", "x"), ("é é e", "e")] {
        let lua = lang_map::counts(text, drop).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_map::twin::counts(text.to_string(), drop.to_string()));
        assert_eq!(lua, rust, "counts({text:?}, {drop:?})");
    }
}

#[redlua::library(name = "lang_eq")]
pub mod lang_eq {
    use redlua::prelude::*;

    /// `==` on Vecs, tuples and options of them compares values, as in Rust (Lua's `==`
    /// would compare table identities).
    #[redis_function(read_only)]
    pub fn same(a: i64, b: i64) -> (bool, bool, bool, bool) {
        let x = vec![a, b];
        let y = vec![a, b];
        let z = vec![b, a];
        (x == y, x == z, (a, vec![b]) == (a, vec![b]), Some(x.clone()) != Some(y.clone()))
    }
}

#[test]
fn equality_of_collections_is_by_value() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (a, b) in [(1, 1), (1, 2), (0, -3)] {
        let lua = lang_eq::same(a, b).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_eq::twin::same(a, b));
        assert_eq!(lua, rust, "same({a}, {b})");
        assert!(lua.0, "equal Vecs compare equal");
    }
}

#[redlua::library(name = "lang_copy")]
pub mod lang_copy {
    use redlua::prelude::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Point {
        pub x: i64,
        pub y: i64,
    }

    fn moved(mut p: Point, dx: i64) -> Point {
        p.x += dx;
        p
    }

    /// Copy structs keep their value semantics; casts to smaller types keep the low bits.
    #[redis_function(read_only)]
    pub fn copies(a: i64, n: i64) -> (Point, Point, Point, i64) {
        let p = Point { x: a, y: 1 };
        let mut q = p;
        q.y = 2;
        let r = moved(p, 10);
        (p, q, r, n as u8 as i64)
    }
}

#[test]
fn copy_structs_and_narrowing_casts_keep_their_rust_meaning() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (a, n) in [(1, 0), (-5, 255), (7, 3), (0, 256), (2, -1), (3, 1000)] {
        let lua = lang_copy::copies(a, n).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_copy::twin::copies(a, n));
        assert_eq!(lua, rust, "copies({a}, {n})");
        assert_eq!(lua.0, lang_copy::Point { x: a, y: 1 }, "the original is unchanged");
    }
    // 256 as u8 is 0 and -1 as u8 is 255, as in Rust.
    assert_eq!(lang_copy::copies(0, 256).call(&mut con).unwrap().3, 0);
    assert_eq!(lang_copy::copies(0, -1).call(&mut con).unwrap().3, 255);
}

#[redlua::library(name = "lang_labels")]
pub mod lang_labels {
    use redlua::prelude::*;

    /// Labelled `break` and `continue` out of nested loops of every kind: Lua 5.1 has no
    /// `goto`, so each jump sets a flag that the loops in between test.
    #[redis_function(read_only)]
    pub fn jumps(n: i64, target: i64, skip: i64) -> (Vec<i64>, i64, i64, Vec<i64>, i64, i64) {
        // The first pair (i, j) with i + j == target: break out of both `for`s.
        let mut pair: Vec<i64> = Vec::new();
        'search: for i in 0..n {
            for j in i..n {
                if i + j == target {
                    pair = vec![i, j];
                    break 'search;
                }
            }
        }
        // `continue 'rows` from a `while` inside a `for` over a Vec; the inner loop has
        // its own `continue` too.
        let rows = vec![n, target, skip, n + target];
        let mut kept = 0;
        'rows: for r in rows.iter() {
            let mut k = 0;
            while k < 5 {
                k += 1;
                if k == 2 {
                    continue;
                }
                if (r + k) % 3 == skip % 3 {
                    continue 'rows;
                }
            }
            kept += r;
        }
        // Three levels: the outermost loop is re-entered by an enclosing loop, so its flag
        // starts false each time; `continue 'mid` and `break 'top` from the innermost.
        let mut visits = 0;
        for round in 0..3 {
            'top: loop {
                'mid: for a in 0..4 {
                    let mut b = 0;
                    loop {
                        b += 1;
                        visits += 1;
                        if b > a + round {
                            continue 'mid;
                        }
                        if a * b + round > target {
                            break 'top;
                        }
                    }
                }
                break;
            }
        }
        // `while let` and a `loop` whose only way out is a labelled break from inside.
        let mut stack = vec![1, 2, 3, 4, 5, 6];
        let mut popped: Vec<i64> = Vec::new();
        'drain: loop {
            while let Some(x) = stack.pop() {
                if x == skip {
                    break 'drain;
                }
                popped.push(x);
                if popped.len() as i64 >= n {
                    break 'drain;
                }
            }
            break;
        }
        // A labelled break to the innermost loop is an ordinary break.
        let mut inner = 0;
        'only: for i in 0..n {
            if i == target {
                break 'only;
            }
            inner += i;
        }
        (pair, kept, visits, popped, inner, stack.len() as i64)
    }

    /// A `loop` left only by `return`, whose body holds a loop with its own `break`: the
    /// outer loop never ends normally, so it is the function's value.
    #[redis_function(read_only)]
    pub fn returns_from_loop(limit: i64, v: Vec<i64>) -> i64 {
        let mut i = 0;
        loop {
            for x in &v {
                if *x > limit {
                    break;
                }
                i += 1;
            }
            if i >= limit || i > 1000 {
                return i;
            }
            i += 100;
        }
    }

    /// Several jumps to one label from different depths, `break` and `continue` to the
    /// same label, two labelled loops side by side and a label re-entered by an outer
    /// loop: each jump leaves exactly the loops between it and its target.
    #[redis_function]
    pub fn tangled(log: Key, n: i64, target: i64, skip: i64) -> (i64, Vec<i64>) {
        let mut out = Vec::new();
        let mut total = 0;
        'outer: for i in 0..n {
            'middle: for j in 0..4 {
                // A jump to 'outer from this depth first, then from a deeper one.
                if j == 3 && i == skip {
                    continue 'outer;
                }
                let mut k = 0;
                while k < 5 {
                    k += 1;
                    if (i + j + k) % 7 == skip % 7 {
                        continue 'outer;
                    }
                    if (i * j + k) % 5 == 4 {
                        continue 'middle;
                    }
                    if i == target % 4 && j == 1 && k == 2 {
                        break 'outer;
                    }
                    if k == 4 && j == 2 {
                        break 'middle;
                    }
                    total += i * 100 + j * 10 + k;
                }
                out.push(i * 10 + j);
                if j == 3 && i % 2 == 1 {
                    continue 'outer;
                }
                if j + i == target {
                    break 'outer;
                }
            }
            out.push(-i);
            'inner: loop {
                if total % 2 == 0 {
                    break 'inner;
                }
                total += 1;
                for q in 0..3 {
                    if q == skip % 3 {
                        break 'inner;
                    }
                    total += q;
                }
            }
            rpush(&log, &total.to_string());
        }
        (total, out)
    }
}

#[test]
fn labelled_break_and_continue_out_of_nested_loops_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let mut checked = 0;
    for n in [0, 1, 2, 5, 9] {
        for target in [-1, 0, 3, 7, 16] {
            for skip in [0, 1, 2, 4, 7] {
                let lua = lang_labels::jumps(n, target, skip).call(&mut con).unwrap();
                let rust = redlua::twin::run(&mut con, || lang_labels::twin::jumps(n, target, skip));
                assert_eq!(lua, rust, "jumps({n}, {target}, {skip})");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 125);
    for n in [0, 1, 3, 6] {
        for target in [-1, 2, 5, 9, 30] {
            for skip in [0, 1, 3, 6] {
                redis::cmd("DEL").arg("lua:log").arg("rust:log").query::<()>(&mut con).unwrap();
                let lua = lang_labels::tangled("lua:log", n, target, skip).call(&mut con).unwrap();
                let rust = redlua::twin::run(&mut con, || lang_labels::twin::tangled(Key::from("rust:log"), n, target, skip));
                assert_eq!(lua, rust, "tangled({n}, {target}, {skip})");
                let logs: Vec<Vec<String>> = ["lua:log", "rust:log"].iter().map(|k| redis::cmd("LRANGE").arg(k).arg(0).arg(-1).query(&mut con).unwrap()).collect();
                assert_eq!(logs[0], logs[1], "tangled({n}, {target}, {skip})");
            }
        }
    }
    for (limit, v) in [(0, vec![]), (2, vec![1, 5]), (150, vec![3, 2, 1]), (-1, vec![7])] {
        let lua = lang_labels::returns_from_loop(limit, v.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_labels::twin::returns_from_loop(limit, v.clone()));
        assert_eq!(lua, rust, "returns_from_loop({v:?}, {limit})");
    }
    // Spot checks of the Rust meaning, independent of the twin.
    let (pair, _, _, popped, inner, left) = lang_labels::jumps(5, 7, 4).call(&mut con).unwrap();
    assert_eq!(pair, vec![3, 4]);
    assert_eq!(popped, vec![6, 5], "stopped at 4");
    assert_eq!(inner, 0 + 1 + 2 + 3 + 4);
    assert_eq!(left, 3);
}

#[redlua::library(name = "lang_vecs")]
pub mod lang_vecs {
    use redlua::prelude::*;

    /// Vec methods that reorder or reshape: sort (integers, strings byte-wise), reverse,
    /// join, first, last, insert, remove, truncate.
    #[redis_function(read_only)]
    pub fn reshape(csv: String, at: i64, keep: i64) -> (Vec<i64>, Vec<String>, String, Option<String>, Option<i64>, Vec<i64>, i64, Vec<String>) {
        let mut words: Vec<String> = csv.split(",").map(|w| w.to_string()).collect();
        let mut nums: Vec<i64> = words.iter().map(|w| w.len() as i64 * 7 % 5 - 2).collect();
        nums.sort();
        words.sort_unstable();
        let joined = words.join("|");
        let first = words.first().cloned();
        let last = nums.last().copied();
        let mut rev = nums.clone();
        rev.reverse();
        let at = at.min(rev.len() as i64).max(0);
        rev.insert(at as usize, 100);
        let removed = rev.remove(0);
        let mut kept = words.clone();
        kept.truncate(keep.max(0) as usize);
        (nums, words, joined, first, last, rev, removed, kept)
    }

    /// `first().cloned()` of a Vec of Vecs is a copy: changing it leaves the original.
    #[redis_function(read_only)]
    pub fn first_copy(n: i64) -> (Vec<i64>, Vec<i64>, Option<Vec<i64>>) {
        let rows = vec![vec![1, 2], vec![3]];
        let mut f = rows.first().cloned().unwrap_or(Vec::new());
        f.push(n);
        let none: Vec<Vec<i64>> = Vec::new();
        (f, rows[0].clone(), none.last().cloned())
    }

    /// `const` items in a body, used before their declaration and in a nested block.
    #[redis_function(read_only)]
    pub fn consts(n: i64) -> (i64, String, bool) {
        let capped = n.min(LIMIT);
        const LIMIT: i64 = 10;
        const PREFIX: &str = "job:";
        let label = {
            const SEP: &str = "/";
            format!("{PREFIX}{capped}{SEP}{LIMIT}")
        };
        (capped, label, capped == LIMIT)
    }

    /// `remove` past the end: Rust panics, the Lua raises an error.
    #[redis_function(read_only)]
    pub fn remove_past_end(n: i64) -> i64 {
        let mut v = vec![1, 2, 3];
        v.remove(n as usize)
    }
}

#[test]
fn vec_sort_reverse_join_insert_remove_truncate_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let inputs = ["b,a,c", "", "zeta,Alpha,alpha,ébène,e,b", "x", "10,9,100,1,010", "same,same,same"];
    for csv in inputs {
        for (at, keep) in [(0, 0), (1, 2), (9, 9), (-3, 1)] {
            let lua = lang_vecs::reshape(csv, at, keep).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || lang_vecs::twin::reshape(csv.to_string(), at, keep));
            assert_eq!(lua, rust, "reshape({csv:?}, {at}, {keep})");
        }
    }
    // Strings sort byte by byte: upper case before lower case, and UTF-8 after ASCII.
    let (_, words, joined, first, ..) = lang_vecs::reshape("zeta,Alpha,alpha,ébène,e", 0, 0).call(&mut con).unwrap();
    assert_eq!(words, ["Alpha", "alpha", "e", "zeta", "ébène"]);
    assert_eq!(joined, "Alpha|alpha|e|zeta|ébène");
    assert_eq!(first.as_deref(), Some("Alpha"));
    for n in [-5, 3, 10, 11, 1 << 40] {
        let lua = lang_vecs::consts(n).call(&mut con).unwrap();
        assert_eq!(lua, redlua::twin::run(&mut con, || lang_vecs::twin::consts(n)), "consts({n})");
    }
    assert_eq!(lang_vecs::consts(12).call(&mut con).unwrap(), (10, "job:10/10".to_string(), true));
    let lua = lang_vecs::first_copy(9).call(&mut con).unwrap();
    assert_eq!(lua, redlua::twin::run(&mut con, || lang_vecs::twin::first_copy(9)));
    assert_eq!(lua, (vec![1, 2, 9], vec![1, 2], None));
    assert_eq!(lang_vecs::remove_past_end(2).call(&mut con).unwrap(), 3);
    match lang_vecs::remove_past_end(3).call(&mut con) {
        Err(redlua::Error::Script { message, .. }) => assert!(message.contains("removal index (is 3) should be < len (is 3)"), "{message}"),
        other => panic!("expected a script error, got {other:?}"),
    }
}

#[redlua::library(name = "lang_optional")]
pub mod lang_optional {
    use redlua::prelude::*;

    /// Trailing `Option<T>` arguments that callers may leave out, as hand-written scripts
    /// do with `tonumber(ARGV[3]) or 1`.
    #[redis_function]
    pub fn take(bucket: Key, capacity: i64, cost: Option<i64>, note: Option<String>, ratio: Option<f64>, strict: Option<bool>) -> (i64, String, String, bool) {
        let cost = cost.unwrap_or(1);
        let left = get::<i64>(&bucket).unwrap_or(capacity);
        let strict = strict.unwrap_or(false);
        if cost > left && strict {
            return (left, note.unwrap_or_default(), "refused".to_string(), false);
        }
        let now = (left - cost).max(0);
        set(&bucket, now);
        let scaled = match ratio {
            Some(r) => format!("{}", now as f64 * r),
            None => "-".to_string(),
        };
        (now, note.unwrap_or_default(), scaled, true)
    }
}

#[test]
fn optional_trailing_arguments_may_be_left_out() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let cases: Vec<(Option<i64>, Option<&str>, Option<f64>, Option<bool>)> = vec![
        (None, None, None, None),
        (Some(3), None, None, None),
        (Some(3), Some("hi"), None, None),
        (Some(30), Some(""), Some(0.5), None),
        (Some(30), Some("x"), Some(2.5), Some(true)),
        (Some(0), Some("é"), Some(-1.25), Some(false)),
    ];
    for (i, (cost, note, ratio, strict)) in cases.into_iter().enumerate() {
        let (lua_key, twin_key) = (format!("lua:b{i}"), format!("twin:b{i}"));
        let lua = lang_optional::take(lua_key.as_str(), 10, cost, note, ratio, strict).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_optional::twin::take(Key::from(twin_key.as_str()), 10, cost, note.map(str::to_string), ratio, strict));
        assert_eq!(lua, rust, "take(10, {cost:?}, {note:?}, {ratio:?}, {strict:?})");
        assert_eq!(get_i64(&mut con, &lua_key), get_i64(&mut con, &twin_key), "same effect");
    }
    // Left out entirely: the default cost of 1.
    assert_eq!(lang_optional::take("plain", 10, None, None, None, None).call(&mut con).unwrap().0, 9);
    // A later optional argument without an earlier one: refused before anything is sent.
    let err = lang_optional::take("gap", 10, None, Some("note"), None, None).call(&mut con).unwrap_err();
    assert!(matches!(err, redlua::Error::Argument { ref message } if message.contains("`note`") && message.contains("`cost`")), "{err}");
    assert_eq!(redis::cmd("EXISTS").arg("gap").query::<i64>(&mut con).unwrap(), 0);
    // Hand-made calls: too many arguments are refused by the function; a bad optional too.
    let r: redis::RedisResult<redis::Value> = redis::cmd("FCALL").arg("take").arg(1).arg("h").arg(10).arg(1).arg("n").arg(1).arg(1).arg("extra").query(&mut con);
    assert!(r.unwrap_err().to_string().contains("expects 1 key and 1 to 5 arguments"));
    let r: redis::RedisResult<redis::Value> = redis::cmd("FCALL").arg("take").arg(1).arg("h").arg(10).arg("1e3").query(&mut con);
    assert!(r.unwrap_err().to_string().contains("argument cost must be an integer"));
}

fn get_i64(con: &mut redis::Connection, key: &str) -> Option<i64> {
    redis::cmd("GET").arg(key).query(con).unwrap()
}

#[redlua::library(name = "lang_bits")]
pub mod lang_bits {
    use redlua::prelude::*;

    /// Bit operations on i64 (`&`, `|`, `^`, `!`, `<<`, `>>`, and their compound
    /// assignments) and on bools (eager `&`, `|`, `^`).
    #[redis_function(read_only)]
    pub fn ops(a: i64, b: i64, n: i64) -> (i64, i64, i64, i64, i64, i64, i64, bool, bool, bool) {
        let mut m = a;
        m &= !b;
        m |= 0x0F0F;
        m ^= b >> 3;
        let p = a > 0;
        let q = b > 0;
        let mut e = p;
        e ^= q;
        (a & b, a | b, a ^ b, !a, (a & 0xFFFF) << n, a >> n, m, p & q, p | q, e)
    }

    /// `a << n` with n out of range: Rust panics, the Lua raises an error.
    #[redis_function(read_only)]
    pub fn shl(a: i64, n: i64) -> i64 {
        a << n
    }

    /// Both sides of a bool `&` run (unlike `&&`): the counter moves either way.
    #[redis_function]
    pub fn eager(counter: Key, first: bool) -> bool {
        first & (incr(&counter) > 0)
    }
}

#[test]
fn bit_operations_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let limit = (1i64 << 53) - 1;
    let mut edges = vec![0, 1, -1, 2, -2, 5, -5, 0x0F0F, 1 << 31, -(1 << 31), (1 << 32) - 1, 1 << 32, -(1 << 32), 1 << 40, limit, -limit, limit - 1, -(limit - 1)];
    let mut rng = Rng(0x5EED_B175);
    for _ in 0..60 {
        edges.push(rng.range(-limit, limit));
    }
    let mut checked = 0;
    for (i, &a) in edges.iter().enumerate() {
        for &b in edges.iter().skip(i % 7).step_by(5) {
            let n = (a.unsigned_abs() as i64 + b.unsigned_abs() as i64 % 30) % 30;
            let rust = redlua::twin::run(&mut con, || lang_bits::twin::ops(a, b, n));
            let lua = lang_bits::ops(a, b, n).call(&mut con);
            match lua {
                Ok(lua) => assert_eq!(lua, rust, "ops({a}, {b}, {n})"),
                // A result beyond +/-(2^53 - 1) (an AND of two large negatives can give
                // -2^53): an error, never a wrong number.
                Err(e) => {
                    let t = rust;
                    let m1 = a & !b;
                    let m2 = m1 | 0x0F0F;
                    let steps = [t.0, t.1, t.2, t.3, t.4, t.5, t.6, !b, m1, m2];
                    let beyond = steps.iter().any(|v| !(-limit..=limit).contains(v));
                    assert!(beyond, "ops({a}, {b}, {n}) failed without a value beyond 2^53: {e}");
                    assert!(matches!(e, redlua::Error::Script { ref message, .. } if message.contains("integer overflow")), "{e}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
    assert_eq!(lang_bits::ops(12, 10, 2).call(&mut con).unwrap().0, 8);
    assert_eq!(lang_bits::ops(-1, 5, 0).call(&mut con).unwrap().0, 5, "-1 & 5 in two's complement");
    assert_eq!(lang_bits::ops(-16, 0, 2).call(&mut con).unwrap().5, -4, "an arithmetic shift right");
    assert_eq!(lang_bits::ops(7, 0, 0).call(&mut con).unwrap().3, -8, "!7");
    assert_eq!(lang_bits::shl(3, 4).call(&mut con).unwrap(), 48);
    match lang_bits::shl(1, 64).call(&mut con) {
        Err(redlua::Error::Script { message, .. }) => assert!(message.contains("shift left with overflow"), "{message}"),
        other => panic!("expected an error, got {other:?}"),
    }
    assert!(lang_bits::shl(1, 60).call(&mut con).is_err(), "2^60 is beyond what Lua holds exactly");
    // Eager `&`: the right side runs even when the left is false.
    assert!(!lang_bits::eager("eager", false).call(&mut con).unwrap());
    assert!(lang_bits::eager("eager", true).call(&mut con).unwrap());
    assert_eq!(redis::cmd("GET").arg("eager").query::<i64>(&mut con).unwrap(), 2);
}

#[redlua::library(name = "lang_text")]
pub mod lang_text {
    use redlua::prelude::*;

    /// String helpers met when porting scripts: split_once, strip_prefix / strip_suffix,
    /// trim_*_matches, char patterns, push_str / push, slicing by byte offsets.
    #[redis_function(read_only)]
    pub fn parse_id(raw: String, sep: String, cut: i64) -> (Option<(String, String)>, Option<String>, Option<String>, String, String, String, String, bool, Vec<String>) {
        let pair = raw.split_once(sep.as_str());
        let stripped = raw.strip_prefix("job:").map(|s| s.to_string());
        let no_ext = raw.strip_suffix(".json").map(|s| s.to_string());
        let trimmed = raw.trim_start_matches('0').trim_end_matches("xx").to_string();
        let quoted = raw.trim_matches('"').to_string();
        let mut built = String::new();
        built.push_str(&raw);
        built.push('!');
        let cut = (cut.max(0) as usize).min(raw.len());
        let head = if raw.is_char_boundary(cut) { raw[..cut].to_string() } else { String::new() };
        let parts: Vec<String> = raw.split(':').map(|p| p.to_string()).collect();
        (pair.map(|(a, b)| (a.to_string(), b.to_string())), stripped, no_ext, trimmed, quoted, built, head, raw.contains(':'), parts)
    }

    /// `&s[a..b]` off a char boundary: Rust panics, the Lua raises an error.
    #[redis_function(read_only)]
    pub fn slice(s: String, a: i64, b: i64) -> String {
        s[a as usize..b as usize].to_string()
    }

    /// `checked_mul` alone, on any inputs.
    #[redis_function(read_only)]
    pub fn mul(a: i64, b: i64) -> Option<i64> {
        a.checked_mul(b)
    }

    /// Integer helpers: rem_euclid, div_euclid, signum, checked_*.
    #[redis_function(read_only)]
    pub fn ints(a: i64, b: i64) -> (Option<i64>, Option<i64>, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>, bool, Vec<i64>) {
        let euclid = if b != 0 { Some(a.rem_euclid(b)) } else { None };
        let div = if b != 0 { Some(a.div_euclid(b)) } else { None };
        (euclid, div, a.signum(), a.checked_div(b), a.checked_rem(b), a.checked_add(b), (a % 1000).checked_mul(b % 1000), a.is_negative(), vec![b; (a.rem_euclid(4)) as usize])
    }
}

#[test]
fn string_and_integer_helpers_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let texts = ["job:42", "job:", "", "0042xxxx", "\"quoted\"", "a:b:c", "report.json", ":", "é:ü", "000", "xx", "job:7.json"];
    for raw in texts {
        for sep in [":", "", "b:", "é"] {
            for cut in [0, 1, 2, 4, 100] {
                let lua = lang_text::parse_id(raw, sep, cut).call(&mut con).unwrap();
                let rust = redlua::twin::run(&mut con, || lang_text::twin::parse_id(raw.to_string(), sep.to_string(), cut));
                assert_eq!(lua, rust, "parse_id({raw:?}, {sep:?}, {cut})");
            }
        }
    }
    assert_eq!(lang_text::slice("héllo", 0, 1).call(&mut con).unwrap(), "h");
    assert_eq!(lang_text::slice("héllo", 1, 3).call(&mut con).unwrap(), "é");
    for (a, b) in [(0, 2), (2, 3), (3, 9), (4, 2)] {
        match lang_text::slice("héllo", a, b).call(&mut con) {
            Err(redlua::Error::Script { message, .. }) => assert!(message.contains("char boundary"), "{message}"),
            other => panic!("slice({a}, {b}): expected an error, got {other:?}"),
        }
    }
    // checked_mul: None where Rust's i64 overflows, an error where only Lua's numbers do.
    assert_eq!(lang_text::mul(1 << 40, 1 << 40).call(&mut con).unwrap(), None);
    assert_eq!(lang_text::mul(-(1 << 40), 1 << 40).call(&mut con).unwrap(), None);
    assert_eq!(lang_text::twin::mul(1 << 40, 1 << 40), None);
    assert_eq!(lang_text::mul(3, -(1 << 50)).call(&mut con).unwrap(), Some(-3 * (1 << 50)));
    assert!(lang_text::mul(1 << 30, 1 << 30).call(&mut con).is_err(), "2^60 fits an i64, not a Lua number");
    let mut values = vec![0i64, 1, -1, 2, -2, 3, -3, 7, -7, 10, -10, 999, -999, 1_000_000_007, -1_000_000_007, 9_007_199_254_740_991, -9_007_199_254_740_991];
    values.extend([4_503_599_627_370_496, -4_503_599_627_370_497]);
    let limit = 9_007_199_254_740_991i64;
    for &a in &values {
        for &b in &values {
            let rust = redlua::twin::run(&mut con, || lang_text::twin::ints(a, b));
            match lang_text::ints(a, b).call(&mut con) {
                Ok(lua) => assert_eq!(lua, rust, "ints({a}, {b})"),
                Err(e) => {
                    let sum = rust.5.unwrap_or(0);
                    assert!(!(-limit..=limit).contains(&sum), "ints({a}, {b}) failed for no value beyond 2^53: {e}");
                }
            }
        }
    }
}

#[redlua::library(name = "lang_fmt")]
pub mod lang_fmt {
    use redlua::prelude::*;

    /// `format!` specs: float precision, widths with alignment and fill (in chars, as Rust
    /// counts), zero padding after the sign.
    #[redis_function(read_only)]
    pub fn specs(x: f64, n: i64, s: String) -> Vec<String> {
        vec![
            format!("{:.2}", x),
            format!("{:.0}", x),
            format!("{x:.3}"),
            format!("{:8.1}|", x),
            format!("{:<9.4}|", x),
            format!("{:05}", n),
            format!("{n:>6}|{n:<6}|{n:^7}|"),
            format!("{:*^9}", s),
            format!("[{s:>6}][{s:6}]"),
            format!("{:08.2}", x),
            format!("{:3}", n),
            format!("{:06}", x),
        ]
    }
}

#[test]
fn format_specs_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let floats = [
        0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 1.005, 2.675, 0.045, 1e-7, -1e-7, 123456.789, -98765.4321, 1e15, 1.23e20, 3.14159265358979, f64::NAN, f64::INFINITY, f64::NEG_INFINITY,
        9007199254740993.0, 0.1 + 0.2, 5e-324,
    ];
    let mut checked = 0;
    for (i, &x) in floats.iter().enumerate() {
        for n in [0, 7, -7, 123456, -42] {
            let s = ["", "ab", "héllo", "日本", "wide text"][i % 5];
            let lua = lang_fmt::specs(x, n, s).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || lang_fmt::twin::specs(x, n, s.to_string()));
            assert_eq!(lua, rust, "specs({x:?}, {n}, {s:?})");
            checked += 1;
        }
    }
    let mut rng = Rng(0xF0_F0F0);
    for _ in 0..300 {
        let x = (rng.range(-1_000_000_000, 1_000_000_000) as f64) / 1000.0 + (rng.range(0, 999) as f64) / 8.0;
        let lua = lang_fmt::specs(x, 1, "x").call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_fmt::twin::specs(x, 1, "x".to_string()));
        assert_eq!(lua, rust, "specs({x:?})");
        checked += 1;
    }
    assert!(checked > 400);
    let out = lang_fmt::specs(2.5, -42, "日本").call(&mut con).unwrap();
    assert_eq!(out[0], "2.50");
    assert_eq!(out[1], "2", "ties go to even, as in Rust");
    assert_eq!(out[5], "-0042");
    assert_eq!(out[7], "***日本****", "width in chars");
}

#[redlua::library(name = "lang_idioms")]
pub mod lang_idioms {
    use redlua::prelude::*;
    use std::collections::HashMap;

    /// Common Rust idioms: `sort_by_key` (stable), `copied()` / `cloned()` in chains, and
    /// the `*map.entry(k).or_insert(0) += 1` counting idiom.
    #[redis_function(read_only)]
    pub fn idioms(csv: String) -> (Vec<String>, Vec<(String, i64)>, Vec<i64>, HashMap<String, i64>, HashMap<String, String>, i64) {
        let words: Vec<String> = csv.split(',').map(|w| w.to_string()).collect();
        let mut by_len = words.clone();
        by_len.sort_by_key(|w| w.len() as i64);
        let mut pairs: Vec<(String, i64)> = words.iter().map(|w| (w.to_string(), (w.len() as i64) % 3)).collect();
        pairs.sort_by_key(|p| p.1);
        let mut alpha = words.clone();
        alpha.sort_by_key(|w| w.to_string());
        let lens: Vec<i64> = words.iter().map(|w| w.len() as i64).collect();
        let big: Vec<i64> = lens.iter().copied().filter(|n| *n > 2).collect();
        let total: i64 = lens.iter().cloned().sum();
        let mut counts: HashMap<String, i64> = HashMap::new();
        let mut joined: HashMap<String, String> = HashMap::new();
        // No annotation: the value type comes from the entry's default.
        let mut firsts = HashMap::new();
        for w in &words {
            *firsts.entry(w.chars().take(1).collect::<String>()).or_insert(0) += 1;
        }
        let firsts_total: i64 = words.iter().map(|w| firsts.get(&w.chars().take(1).collect::<String>()).copied().unwrap_or(0)).sum();
        for w in &words {
            *counts.entry(w.to_string()).or_insert(0) += 1;
            *counts.entry(format!("len{}", w.len())).or_default() += 10;
            *joined.entry(w.chars().count().to_string()).or_default() += w;
        }
        // `entry(..).or_insert(..)` as a statement and as a value.
        let mut seen: HashMap<String, i64> = HashMap::new();
        let mut fresh = 0;
        for (i, w) in words.iter().enumerate() {
            seen.entry(w.to_string()).or_insert(i as i64);
            let first_at = *seen.entry(w.to_string()).or_insert(-1);
            if first_at == i as i64 {
                fresh += 1;
            }
        }
        let _ = alpha;
        (by_len, pairs, big, counts, joined, total + firsts_total * 1000 + fresh * 1_000_000)
    }
}

#[test]
fn sort_by_key_copied_and_the_entry_idiom_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for csv in ["", "a", "pear,fig,apple,kiwi,fig,plum,date", "bb,a,ccc,dd,e,fff,gg,h", "é,ab,日本語,ab,x"] {
        let lua = lang_idioms::idioms(csv).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_idioms::twin::idioms(csv.to_string()));
        assert_eq!(lua, rust, "idioms({csv:?})");
    }
    let (by_len, ..) = lang_idioms::idioms("bb,a,ccc,dd,e").call(&mut con).unwrap();
    assert_eq!(by_len, ["a", "e", "bb", "dd", "ccc"], "stable: equal keys keep their order");
}

#[redlua::library(name = "lang_lines")]
pub mod lang_lines {
    use redlua::prelude::*;

    /// `lines()` and `splitn()` as iterator sources, in chains and in `for`.
    #[redis_function(read_only)]
    pub fn pieces(text: String, n: i64) -> (Vec<String>, i64, Vec<String>, Vec<String>) {
        let lines: Vec<String> = text.lines().map(|l| l.to_string()).collect();
        let mut non_empty = 0;
        for l in text.lines() {
            if !l.is_empty() {
                non_empty += 1;
            }
        }
        let head: Vec<String> = text.splitn(n as usize, ':').map(|p| p.to_string()).collect();
        let first_two: Vec<String> = text.splitn(3, "\n").take(2).map(|p| p.trim().to_string()).collect();
        (lines, non_empty, head, first_two)
    }
}

#[test]
fn lines_and_splitn_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for text in ["", "\n", "a", "a\n", "a\nb", "a\r\nb\r\n", "a\rb\r", "\n\nx\n\n", "k:v:w", "::", "é:\r\n:ü\n"] {
        for n in [0, 1, 2, 5] {
            let lua = lang_lines::pieces(text, n).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || lang_lines::twin::pieces(text.to_string(), n));
            assert_eq!(lua, rust, "pieces({text:?}, {n})");
        }
    }
}

#[redlua::library(name = "lang_codes")]
pub mod lang_codes {
    use redlua::prelude::*;

    /// `reject!` with the error code a hand-written script used, so that existing
    /// callers see the same error reply.
    #[redis_function]
    pub fn withdraw(account: Key, amount: i64) -> Result<i64, Reject> {
        if amount <= 0 {
            return Err(reject!(code = "ERR", "invalid amount"));
        }
        let balance = get::<i64>(&account).unwrap_or(0);
        if balance < amount {
            return Err(reject!(code = "NOFUNDS", "insufficient funds"));
        }
        if amount > 1000 {
            return Err(reject!("too large"));
        }
        Ok(decr_by(&account, amount))
    }
}

#[test]
fn rejections_with_an_error_code_reply_that_code() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    redis::cmd("SET").arg("acct").arg(5000).exec(&mut con).unwrap();
    // The exact error replies, as a client that knows nothing of redlua reads them.
    lang_codes::LIBRARY.load(&mut con).unwrap();
    let raw = |con: &mut redis::Connection, n: i64| -> String {
        match redis::cmd("FCALL").arg("withdraw").arg(1).arg("acct").arg(n).query::<redis::Value>(con) {
            Ok(v) => format!("{v:?}"),
            Err(e) => format!("{} {}", e.code().unwrap_or("?"), e.detail().unwrap_or("")),
        }
    };
    assert_eq!(raw(&mut con, 0), "ERR invalid amount");
    assert_eq!(raw(&mut con, 9999), "NOFUNDS insufficient funds");
    assert_eq!(raw(&mut con, 2000), "REJECT too large");
    // Through the stub: REJECT is Error::Rejected, other codes keep their code.
    match lang_codes::withdraw("acct", 0).call(&mut con) {
        Err(redlua::Error::Redis(e)) => assert_eq!((e.code(), e.detail()), (Some("ERR"), Some("invalid amount"))),
        other => panic!("{other:?}"),
    }
    match lang_codes::withdraw("acct", 9999).call(&mut con) {
        Err(redlua::Error::Redis(e)) => assert_eq!(e.code(), Some("NOFUNDS")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(lang_codes::withdraw("acct", 2000).call(&mut con), Err(redlua::Error::Rejected { .. })));
    assert_eq!(lang_codes::withdraw("acct", 10).call(&mut con).unwrap(), 4990);
    // The twin returns the same rejections, codes included.
    let twin = redlua::twin::run(&mut con, || lang_codes::twin::withdraw(Key::from("acct"), 99_999));
    assert_eq!(twin.unwrap_err(), redlua::reject!(code = "NOFUNDS", "insufficient funds"));
}

#[redlua::library(name = "lang_zip")]
pub mod lang_zip {
    use redlua::prelude::*;

    /// `zip` with a Vec, after and before other stages, and in `for`.
    #[redis_function(read_only)]
    pub fn dot(a: Vec<i64>) -> (i64, Vec<(i64, String)>, i64, Vec<i64>) {
        let weights = vec![3, 1, 4, 1, 5];
        let names = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let dot: i64 = a.iter().zip(weights.iter()).map(|(x, w)| x * w).sum();
        let labelled: Vec<(i64, String)> = a.iter().filter(|x| **x > 0).copied().zip(names.iter().cloned()).collect();
        let mut pairs = 0;
        for (x, w) in a.iter().zip(weights.iter()) {
            if x > w {
                pairs += 1;
            }
        }
        let shifted: Vec<i64> = a.iter().skip(1).zip(a.iter()).map(|(next, prev)| next - prev).collect();
        (dot, labelled, pairs, shifted)
    }
}

#[test]
fn zip_agrees_with_its_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for a in [vec![], vec![1], vec![2, -1, 7], vec![5, 4, 3, 2, 1, 0, -1], vec![-3, 9, 9, 9, 9, 9, 9, 9, 9]] {
        let lua = lang_zip::dot(a.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_zip::twin::dot(a.clone()));
        assert_eq!(lua, rust, "dot({a:?})");
    }
}

#[redlua::library(name = "lang_chars")]
pub mod lang_chars {
    use redlua::prelude::*;

    /// `chars()` as an iterator source, ASCII class tests on chars, `collect::<String>()`.
    #[redis_function(read_only)]
    pub fn chars(s: String) -> (i64, String, String, Vec<String>, bool, i64) {
        let digits = s.chars().filter(|c| c.is_ascii_digit()).count() as i64;
        let reversed: String = s.chars().rev().collect();
        let letters = s.chars().filter(|c| c.is_ascii_alphabetic() || c.is_ascii_punctuation()).collect::<String>();
        let upper: Vec<String> = s.chars().filter(|c| c.is_ascii_uppercase()).map(|c| c.to_string()).collect();
        let hex = !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit());
        let mut words = 0;
        for c in s.chars() {
            if c == ' ' || c.is_ascii_lowercase() && !c.is_ascii_alphanumeric() {
                words += 1;
            }
        }
        (digits, reversed, letters, upper, hex, words)
    }
}

#[test]
fn chars_agree_with_their_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for s in ["", "abc", "Hello, World! 42", "日本語 テキスト", "é0ü1ß2", "DEADbeef", "a\u{0}b", "tab\there", "🦀 crab!"] {
        let lua = lang_chars::chars(s).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || lang_chars::twin::chars(s.to_string()));
        assert_eq!(lua, rust, "chars({s:?})");
    }
}

#[redlua::library(name = "lang_passthrough")]
pub mod lang_passthrough {
    use redlua::prelude::*;

    /// A command's reply returned as is: a status reply stays a status reply.
    #[redis_function]
    pub fn set_raw(key: Key, value: String) -> Value {
        call!("SET", &key, value)
    }
}

#[test]
fn a_value_reply_passes_status_replies_through() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    lang_passthrough::LIBRARY.load(&mut con).unwrap();
    let raw: redis::Value = redis::cmd("FCALL").arg("set_raw").arg(1).arg("k").arg("v").query(&mut con).unwrap();
    assert!(matches!(raw, redis::Value::Okay | redis::Value::SimpleString(_)), "a status reply, as SET's: {raw:?}");
    let typed = lang_passthrough::set_raw("k2", "v2").call(&mut con).unwrap();
    assert!(typed.is_ok(), "{typed:?}");
}

#[redlua::library(name = "lang_collections")]
pub mod lang_collections {
    use redlua::prelude::*;
    use std::collections::HashMap;

    /// `retain`, a map's `keys()` / `values()`, `rsplit_once`, `rfind`.
    #[redis_function(read_only)]
    pub fn more(csv: String, sep: String, floor: i64) -> (Vec<i64>, Vec<String>, Vec<i64>, Option<(String, String)>, Option<i64>, i64) {
        let mut nums: Vec<i64> = csv.split(',').map(|w| w.len() as i64).collect();
        nums.retain(|n| *n >= floor);
        let mut m: HashMap<String, i64> = HashMap::new();
        for w in csv.split(',') {
            *m.entry(w.to_string()).or_insert(0) += 1;
        }
        let mut keys: Vec<String> = m.keys().map(|k| k.to_string()).collect();
        keys.sort();
        let mut values: Vec<i64> = m.values().copied().collect();
        values.sort();
        let mut total = 0;
        for v in m.values() {
            total += v;
        }
        for k in m.keys() {
            total += k.len() as i64;
        }
        let last = csv.rsplit_once(sep.as_str()).map(|(a, b)| (a.to_string(), b.to_string()));
        (nums, keys, values, last, csv.rfind(sep.as_str()).map(|i| i as i64), total)
    }
}

#[test]
fn retain_keys_values_rsplit_once_and_rfind_agree_with_their_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for csv in ["", "a", "a,bb,a,ccc,bb,a", "x,,y", "aaa", "é,ü,é"] {
        for sep in [",", "", "aa", "é", "zz"] {
            for floor in [0, 1, 2] {
                let lua = lang_collections::more(csv, sep, floor).call(&mut con).unwrap();
                let rust = redlua::twin::run(&mut con, || lang_collections::twin::more(csv.to_string(), sep.to_string(), floor));
                assert_eq!(lua, rust, "more({csv:?}, {sep:?}, {floor})");
            }
        }
    }
}

#[redlua::library(name = "lang_ascii_case")]
pub mod lang_ascii_case {
    use redlua::prelude::*;

    /// `str::eq_ignore_ascii_case`, as a condition and as a value, and against a stored value.
    #[redis_function]
    pub fn same_word(k: Key, a: String, b: String) -> (bool, i64, bool) {
        let n = if a.eq_ignore_ascii_case(&b) { incr(&k) } else { 0 };
        let stored = get::<String>(&k).unwrap_or_default();
        (a.eq_ignore_ascii_case(&b), n, stored.eq_ignore_ascii_case(&a))
    }
}

#[test]
fn eq_ignore_ascii_case_agrees_with_its_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let words = ["", "1", "a", "A", "Straße", "STRAßE", "straSSe", "ÉCOLE", "école", "Hello, World", "hELLO, wORLD", "x\0y", "X\0Y"];
    for a in words {
        for b in words {
            let lua = lang_ascii_case::same_word("lua:w", a, b).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || lang_ascii_case::twin::same_word(Key::from("rust:w"), a.to_string(), b.to_string()));
            assert_eq!(lua, rust, "same_word({a:?}, {b:?})");
        }
    }
    let lua: Option<String> = redis::cmd("GET").arg("lua:w").query(&mut con).unwrap();
    let rust: Option<String> = redis::cmd("GET").arg("rust:w").query(&mut con).unwrap();
    assert_eq!(lua, rust);
}

#[redlua::library(name = "lang_clamp")]
pub mod lang_clamp {
    use redlua::prelude::*;

    /// `clamp` of an i64 argument and of a number read from a key, written back.
    #[redis_function]
    pub fn clamp_ints(k: Key, a: i64, lo: i64, hi: i64) -> (i64, i64) {
        let stored = get::<i64>(&k).unwrap_or(a).clamp(lo, hi);
        set(&k, stored);
        (a.clamp(lo, hi), stored)
    }

    /// `clamp` of the narrower integer types, bounds as literals of the type too.
    #[redis_function(read_only)]
    pub fn narrow(a: i32, lo: i32, hi: i32, b: u8) -> (i32, u8, u64) {
        (a.clamp(lo, hi), b.clamp(10, 200), (b as u64).clamp(0, 100))
    }

    /// `f64::clamp`.
    #[redis_function(read_only)]
    pub fn floats(x: f64, lo: f64, hi: f64) -> f64 {
        x.clamp(lo, hi)
    }
}

use redlua_tests::try_twin;

#[test]
fn clamp_agrees_with_its_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let edges = [i64::from(i32::MIN), -9_007_199_254_740_991, -5, -1, 0, 1, 5, 9_007_199_254_740_991];
    let mut errors = 0;
    for a in edges {
        for lo in edges {
            for hi in edges {
                let lua = lang_clamp::clamp_ints("lua:c", a, lo, hi).call(&mut con);
                let rust = try_twin(&mut con, || lang_clamp::twin::clamp_ints(Key::from("rust:c"), a, lo, hi));
                match (lua, rust) {
                    (Ok(l), Ok(r)) => assert_eq!(l, r, "ints({a}, {lo}, {hi})"),
                    // Rust panics when lo > hi; the Lua raises an error, before the write.
                    (Err(redlua::Error::Script { message, .. }), Err(panic)) => {
                        assert!(lo > hi, "ints({a}, {lo}, {hi}): {message}");
                        assert!(message.contains("clamp: min > max"), "{message}");
                        assert!(panic.contains("min > max") || panic.contains("min <= max"), "{panic}");
                        errors += 1;
                    }
                    (l, r) => panic!("ints({a}, {lo}, {hi}): lua {l:?} vs rust {r:?}"),
                }
                let stored: (Option<i64>, Option<i64>) = redis::pipe().get("lua:c").get("rust:c").query(&mut con).unwrap();
                assert_eq!(stored.0, stored.1, "the stored value after ints({a}, {lo}, {hi})");
            }
        }
    }
    assert_eq!(errors, 8 * 28, "every lo > hi raises an error");
    for a in [i32::MIN, -7, 0, 7, i32::MAX] {
        for (lo, hi) in [(i32::MIN, i32::MAX), (-3, 3), (0, 0), (5, -5)] {
            for b in [0u8, 9, 10, 100, 200, 201, 255] {
                let lua = lang_clamp::narrow(a, lo, hi, b).call(&mut con);
                let rust = try_twin(&mut con, || lang_clamp::twin::narrow(a, lo, hi, b));
                match (lua, rust) {
                    (Ok(l), Ok(r)) => assert_eq!(l, r, "narrow({a}, {lo}, {hi}, {b})"),
                    (Err(_), Err(_)) => assert!(lo > hi),
                    (l, r) => panic!("narrow({a}, {lo}, {hi}, {b}): lua {l:?} vs rust {r:?}"),
                }
            }
        }
    }
    let xs = [f64::NAN, f64::NEG_INFINITY, -1e300, -2.5, -0.0, 0.0, 0.1, 2.5, f64::INFINITY];
    let mut float_errors = 0;
    for x in xs {
        for lo in xs {
            for hi in xs {
                let lua = lang_clamp::floats(x, lo, hi).call(&mut con);
                let rust = try_twin(&mut con, || lang_clamp::twin::floats(x, lo, hi));
                match (lua, rust) {
                    // NaN != NaN, and -0.0 == 0.0: compare the text Rust prints.
                    (Ok(l), Ok(r)) => assert_eq!(format!("{l:?}"), format!("{r:?}"), "floats({x:?}, {lo:?}, {hi:?})"),
                    // Rust panics unless lo <= hi, which a NaN bound fails too.
                    (Err(_), Err(_)) => {
                        assert!(!(lo <= hi), "floats({x:?}, {lo:?}, {hi:?})");
                        float_errors += 1;
                    }
                    (l, r) => panic!("floats({x:?}, {lo:?}, {hi:?}): lua {l:?} vs rust {r:?}"),
                }
            }
        }
    }
    assert!(float_errors > 0);
    assert!(lang_clamp::LUA.contains("redlua_clamp("), "{}", lang_clamp::LUA);
}

/// Deeply nested expressions: the compiler recurses over the nesting, on a stack of its
/// own; Lua's parser refuses code nested about 200 levels deep, so long chains are kept
/// in locals on the way.
#[redlua::library(name = "lang_deep")]
pub mod lang_deep {
    use redlua::prelude::*;

    /// A sum of 400 terms (nested 400 deep), two of which send a command.
    #[redis_function]
    pub fn sum(k: Key, a: i64, b: i64) -> i64 {
        a + b + 2 + a + b + 5 + a + b + 1 + a + b + 4 + a + b + 0 + a + b + 3 + a + b
            + 6 + a + b + 2 + a + b + 5 + a + b + 1 + a + b + 4 + a + b + 0 + a + b + 3 + a
            + b + 6 + a + b + 2 + a + b + 5 + a + b + 1 + a + b + 4 + a + b + 0 + a + b + 3
            + a + b + 6 + a + b + 2 + a + b + 5 + a + b + 1 + a + b + 4 + a + b + 0 + a + b
            + 3 + a + b + 6 + a + b + 2 + a + b + 5 + a + b + 1 + a + b + 4 + a + b + 0 + a
            + b + 3 + a + b + 6 + a + b + 2 + a + b + 5 + a + b + 1 + a + b + 4 + a + b + 0
            + a + b + 3 + a + b + 6 + a + b + 2 + a + b + 5 + a + b + 1 + a + b + 4 + a + b
            + 0 + a + b + 3 + a + b + 6 + a + b + 2 + incr(&k) + b + 5 + a + b + 1 + a + b + 4 + a
            + b + 0 + a + b + 3 + a + b + 6 + a + b + 2 + a + b + 5 + a + b + 1 + a + b + 4
            + a + b + 0 + a + b + 3 + a + b + 6 + a + b + 2 + a + b + 5 + a + b + 1 + a + b
            + 4 + a + b + 0 + a + b + 3 + a + b + 6 + a + b + 2 + a + b + 5 + a + b + 1 + a
            + b + 4 + a + b + 0 + a + b + 3 + a + b + 6 + a + b + 2 + a + b + 5 + a + b + 1
            + a + b + 4 + a + b + 0 + a + b + 3 + a + b + 6 + a + b + 2 + a + b + 5 + a + b
            + 1 + a + b + 4 + a + b + 0 + a + b + 3 + a + b + 6 + a + b + 2 + a + b + 5 + a
            + b + 1 + a + b + 4 + a + b + 0 + a + b + 3 + a + b + 6 + a + b + 2 + a + b + 5
            + incr(&k) + b + 1 + a + b + 4 + a + b + 0 + a + b + 3 + a + b + 6 + a + b + 2 + a + b
            + 5 + a + b + 1 + a + b + 4 + a + b + 0 + a + b + 3 + a + b + 6 + a + b + 2 + a
            + b + 5 + a + b + 1 + a + b + 4 + a + b + 0 + a + b + 3 + a + b + 6 + a + b + 2
            + a + b + 5 + a + b + 1 + a + b + 4 + a + b + 0 + a + b + 3 + a + b + 6 + a + b
            + 2 + a + b + 5 + a + b + 1 + a + b + 4 + a + b + 0 + a + b + 3 + a + b + 6 + a
    }

    /// 200 parentheses around a difference of 30 terms.
    #[redis_function]
    pub fn parens(a: i64, b: i64) -> i64 {
        ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((
        a - b - a - b - a - b - a - b - a - b - a - b - a - b - a - b - a - b - a - b - a - b - a - b - a - b - a - b - a - b
        ))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
    }

    /// A difference nested to the right, 100 deep (each level waits for the next).
    #[redis_function]
    pub fn right(a: i64, b: i64) -> i64 {
        a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (a - (b - (1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
    }
}

#[test]
fn deeply_nested_expressions_compile_and_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let inputs = [(0, 0), (1, 2), (-7, 3), (1_000_000_007, -99), (10_000_000_000_000, 10_000_000_000_000), (-33_000_000_000_000, 1)];
    for (a, b) in inputs {
        let lua = lang_deep::sum("lua:deep", a, b).call(&mut con);
        let rust = try_twin(&mut con, || lang_deep::twin::sum(Key::from("rust:deep"), a, b));
        match (lua, rust) {
            (Ok(l), Ok(r)) => assert_eq!(l, r, "sum({a}, {b})"),
            (l, r) => panic!("sum({a}, {b}): lua {l:?} vs rust {r:?}"),
        }
        let lua: Option<i64> = redis::cmd("GET").arg("lua:deep").query(&mut con).unwrap();
        let rust: Option<i64> = redis::cmd("GET").arg("rust:deep").query(&mut con).unwrap();
        assert_eq!(lua, rust, "the two INCRs ran on both sides, sum({a}, {b})");
        for (name, lua, rust) in [
            ("parens", lang_deep::parens(a, b).call(&mut con), try_twin(&mut con, || lang_deep::twin::parens(a, b))),
            ("right", lang_deep::right(a, b).call(&mut con), try_twin(&mut con, || lang_deep::twin::right(a, b))),
        ] {
            match (lua, rust) {
                (Ok(l), Ok(r)) => assert_eq!(l, r, "{name}({a}, {b})"),
                (l, r) => panic!("{name}({a}, {b}): lua {l:?} vs rust {r:?}"),
            }
        }
    }
    // The long chains are kept in locals, at most about 40 levels of Lua each.
    let lua = lang_deep::LUA;
    assert!(lua.contains("local tmp_5 = redlua_int("), "{lua}");
    assert!(!lua.contains(&"redlua_int(".repeat(25)), "{lua}");
}

/// `str::parse::<i64>()` on texts at and beyond i64's range, with signs, leading zeros,
/// spaces and nothing at all.
#[redlua::library(name = "lang_parse_int")]
pub mod lang_parse_int {
    use redlua::prelude::*;

    #[redis_function]
    pub fn parse_int(s: String) -> (Option<i64>, i64, bool, bool) {
        (s.parse::<i64>().ok(), s.parse::<i64>().unwrap_or(-1) % 1000, s.parse::<i64>().is_ok(), s.parse::<i64>().is_err())
    }
}

#[test]
fn parsing_integers_agrees_with_rust_beyond_i64() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let texts = [
        "0", "-0", "+5", "+0", "007", "-007", "", "-", "+", " 5", "5 ", " ", "+-5", "--5", "5-", "0x10", "1e3", "1.0", "٣",
        "9007199254740991", "-9007199254740991", "9007199254740992", "-9007199254740992",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809", "+9223372036854775808",
        "00009223372036854775807", "-00009223372036854775809", "9223372036854775899", "9223372037854775807",
        "10000000000000000000", "99999999999999999999", "18446744073709551616", "340282366920938463463374607431768211456",
        "000000000000000000000000000000000000042",
    ];
    let mut overflows = 0;
    for s in texts {
        let lua = lang_parse_int::parse_int(s).call(&mut con);
        let rust = try_twin(&mut con, || lang_parse_int::twin::parse_int(s.to_string()));
        match (lua, rust) {
            (Ok(l), Ok(r)) => assert_eq!(l, r, "parse({s:?})"),
            // Within i64 but beyond 2^53 - 1: Lua cannot hold the number (the documented error).
            (Err(e), Ok((Some(n), ..))) if n.unsigned_abs() > (1 << 53) - 1 => {
                assert!(e.to_string().contains("integer overflow"), "parse({s:?}): {e}");
                overflows += 1;
            }
            (l, r) => panic!("parse({s:?}): lua {l:?} vs rust {r:?}"),
        }
    }
    assert_eq!(overflows, 5, "the texts within i64 beyond 2^53 - 1");
}
