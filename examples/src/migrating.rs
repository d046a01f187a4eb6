//! Migrating from `redis::Script`: one transfer, before and after. Both run on the same
//! keys with the same replies, so callers can move over one at a time;
//! `tests/integration/book_examples.rs` runs both on one server.

use redlua::prelude::*;

// ANCHOR: before
/// The Lua, as a string: nothing checks it before a server runs it.
const TRANSFER_LUA: &str = r#"
local balance = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
if balance < amount then
  return 0
end
redis.call('DECRBY', KEYS[1], amount)
redis.call('INCRBY', KEYS[2], amount)
return 1
"#;

/// Before: keys and arguments are pushed by hand, in the order the Lua expects them.
pub fn transfer_with_redis_script(con: &mut redis::Connection, from: &str, to: &str, amount: i64) -> redis::RedisResult<bool> {
    let script = redis::Script::new(TRANSFER_LUA); // EVALSHA, and on NOSCRIPT: SCRIPT LOAD, EVALSHA
    script.key(from).key(to).arg(amount).invoke(con)
}
// ANCHOR_END: before

// ANCHOR: after_script
/// After, as an EVAL script: the same EVALSHA and NOSCRIPT recovery as `redis::Script`,
/// with the body checked when the crate compiles and a typed call.
#[redis_function]
pub fn transfer_script(from: Key, to: Key, amount: i64) -> bool {
    let balance = get::<i64>(&from).unwrap_or(0);
    if balance < amount {
        return false;
    }
    decr_by(&from, amount);
    incr_by(&to, amount);
    true
}

pub fn transfer_with_redlua_script(con: &mut redis::Connection, from: &str, to: &str, amount: i64) -> Result<bool, redlua::Error> {
    transfer_script(from, to, amount).call(con)
}
// ANCHOR_END: after_script
