//! Loading compiled libraries and scripts into a server.
//!
//! A library is compared with the server's copy first (`FUNCTION LIST LIBRARYNAME <name>
//! WITHCODE`) and sent with `FUNCTION LOAD REPLACE` only when it is missing or differs,
//! as the runtime does: loading the same build twice changes nothing. A script is sent
//! with `SCRIPT LOAD`, and the SHA1 the server computes must be the one the typed calls
//! send with `EVALSHA`.

use crate::source::{Compiled, Kind};
use redis::Value;
use std::time::Duration;

/// How long to wait for a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What loading one item did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server did not have the library: it was loaded.
    Loaded,
    /// The server had this exact code: nothing was sent.
    Unchanged,
    /// The server had other code under that name (its SHA1): it was replaced.
    Replaced(String),
    /// The script is in the server's script cache now.
    ScriptLoaded,
}

/// A connection to one server.
pub struct Server {
    con: redis::Connection,
}

impl Server {
    /// Connects to `url` (`redis://host:port/`, `rediss://..`, `unix://..`).
    pub fn connect(url: &str) -> Result<Server, String> {
        let client = redis::Client::open(url).map_err(|e| format!("invalid URL {url}: {e}"))?;
        let con = client.get_connection_with_timeout(CONNECT_TIMEOUT).map_err(|e| format!("cannot connect to {url}: {e}"))?;
        Ok(Server { con })
    }

    /// Makes sure the server has `item` in exactly this version.
    pub fn load(&mut self, item: &Compiled) -> Result<Outcome, String> {
        match item.kind {
            Kind::Library => self.load_library(item),
            Kind::Script => self.load_script(item),
        }
    }

    fn load_library(&mut self, item: &Compiled) -> Result<Outcome, String> {
        let listed = query(&mut self.con, redis::cmd("FUNCTION").arg("LIST").arg("LIBRARYNAME").arg(&item.name).arg("WITHCODE"))?;
        let previous = library_code(listed, &item.name);
        if previous.as_deref() == Some(item.lua.as_bytes()) {
            return Ok(Outcome::Unchanged);
        }
        query(&mut self.con, redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(&item.lua))?;
        Ok(match previous {
            None => Outcome::Loaded,
            Some(code) => Outcome::Replaced(redlua_compiler::sha1_hex(&String::from_utf8_lossy(&code))),
        })
    }

    fn load_script(&mut self, item: &Compiled) -> Result<Outcome, String> {
        let reply = query(&mut self.con, redis::cmd("SCRIPT").arg("LOAD").arg(&item.lua))?;
        let sha = text(&reply).unwrap_or_default();
        if !sha.eq_ignore_ascii_case(&item.sha1) {
            return Err(format!("the server computed SHA1 {sha}, expected {}", item.sha1));
        }
        Ok(Outcome::ScriptLoaded)
    }
}

fn query(con: &mut redis::Connection, cmd: &redis::Cmd) -> Result<Value, String> {
    match cmd.query::<Value>(con) {
        Ok(Value::ServerError(e)) => Err(redis::RedisError::from(e).to_string()),
        Ok(v) => Ok(v),
        Err(e) => Err(e.to_string()),
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::SimpleString(s) => Some(s.clone()),
        Value::VerbatimString { text, .. } => Some(text.clone()),
        _ => None,
    }
}

/// The `(name, value)` fields of a RESP2 flat array or a RESP3 map.
fn fields(v: Value) -> Vec<(String, Value)> {
    match v {
        Value::Map(pairs) => pairs.into_iter().filter_map(|(k, v)| Some((text(&k)?, v))).collect(),
        Value::Array(items) => {
            let mut out = Vec::new();
            let mut it = items.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                if let Some(k) = text(&k) {
                    out.push((k, v));
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The code of library `name` in a `FUNCTION LIST .. WITHCODE` reply.
fn library_code(reply: Value, name: &str) -> Option<Vec<u8>> {
    let libraries = match reply {
        Value::Array(items) | Value::Set(items) => items,
        _ => return None,
    };
    for library in libraries {
        let fields = fields(library);
        let named = fields.iter().any(|(k, v)| k == "library_name" && text(v).as_deref() == Some(name));
        if named {
            return fields.into_iter().find(|(k, _)| k == "library_code").and_then(|(_, v)| match v {
                Value::BulkString(b) => Some(b),
                other => text(&other).map(String::into_bytes),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(s.as_bytes().to_vec())
    }

    #[test]
    fn library_code_is_found_in_resp2_and_resp3_replies() {
        let resp2 = Value::Array(vec![Value::Array(vec![
            bulk("library_name"),
            bulk("bank"),
            bulk("engine"),
            bulk("LUA"),
            bulk("library_code"),
            bulk("#!lua name=bank"),
        ])]);
        assert_eq!(library_code(resp2, "bank"), Some(b"#!lua name=bank".to_vec()));
        let resp3 = Value::Array(vec![Value::Map(vec![(bulk("library_name"), bulk("kv")), (bulk("library_code"), bulk("x"))])]);
        assert_eq!(library_code(resp3.clone(), "kv"), Some(b"x".to_vec()));
        assert_eq!(library_code(resp3, "bank"), None);
        assert_eq!(library_code(Value::Array(vec![]), "bank"), None);
    }
}
