//! Quickstart: a `bank` library with a `transfer` and a `balance` function, loaded into a Redis
//! server and called.
//!
//! Run it with `cargo xtask demo` (or `cargo run -p redlua-examples --example quickstart`). It
//! starts a throwaway `redis-server`, or uses the server named by `REDIS_URL` when it is set.
//!
//! Placeholder until the `#[redlua::library]` macro lands: the library is written here as the
//! Lua that the macro generates, and called with plain `FCALL`s.

use redlua::testing::TestServer;

// ANCHOR: library
/// The `bank` library, as Redis receives it with `FUNCTION LOAD`.
const BANK: &str = r#"#!lua name=bank
redis.register_function('transfer', function(keys, args)
  local amount = tonumber(args[1])
  if amount <= 0 then
    return redis.error_reply('amount must be positive')
  end
  local balance = tonumber(redis.call('GET', keys[1]) or '0')
  if balance < amount then
    return false
  end
  redis.call('DECRBY', keys[1], amount)
  redis.call('INCRBY', keys[2], amount)
  return true
end)

redis.register_function{
  function_name = 'balance',
  callback = function(keys, args)
    return tonumber(redis.call('GET', keys[1]) or '0')
  end,
  flags = { 'no-writes' },
}
"#;
// ANCHOR_END: library

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = TestServer::from_env()?;
    let mut con = server.connection()?;
    redis::cmd("FUNCTION")
        .arg("LOAD")
        .arg("REPLACE")
        .arg(BANK)
        .query::<String>(&mut con)?;
    redis::cmd("SET")
        .arg("acct:{alice}")
        .arg(100)
        .query::<()>(&mut con)?;
    redis::cmd("DEL").arg("acct:{bob}").query::<()>(&mut con)?;

    // ANCHOR: call
    let moved: bool = redis::cmd("FCALL")
        .arg("transfer")
        .arg(2)
        .arg("acct:{alice}")
        .arg("acct:{bob}")
        .arg(30)
        .query(&mut con)?;
    let alice: i64 = redis::cmd("FCALL_RO")
        .arg("balance")
        .arg(1)
        .arg("acct:{alice}")
        .query(&mut con)?;
    // ANCHOR_END: call

    assert!(moved, "the transfer was refused");
    assert_eq!(alice, 70);
    println!("moved 30 from alice to bob; alice now has {alice}");
    Ok(())
}
