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
