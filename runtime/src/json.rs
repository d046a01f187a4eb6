//! JSON of typed values: `json_decode::<Job>(&text)?` and `json_encode(&job)`, for structs
//! that `#[derive(Json)]` and their fields (integers, `f64`, `bool`, `String`, `Option`,
//! `Vec`, `HashMap<String, T>`, nested `Json` structs).
//!
//! This is the Rust meaning of JSON in a redis function, and the native twin's code: the
//! text is read by `serde_json` (its grammar, UTF-8 and its nesting limit of 127 levels),
//! then mapped to the type; the Lua does the same steps with a parser of its own (Redis's
//! `cjson` accepts more than JSON and loses what the type needs: see the language reference).
//!
//! | JSON | Rust |
//! |---|---|
//! | integer without fraction or exponent | an integer field, within its type's range and ±(2^53 − 1) (`1.0`, `1e2` and `-0` are not integers, as in `serde_json`) |
//! | any number | an `f64` field (the nearest `f64`); a number beyond `f64` is invalid JSON |
//! | `true` / `false`, a string | `bool`, `String` |
//! | `null` or an absent field | `None` of an `Option` field; for any other type, a rejection |
//! | array, object | `Vec<T>`; `HashMap<String, T>` (the last of duplicate keys wins) |
//! | object | a struct: fields it does not name are ignored; a field given twice is a rejection |
//!
//! Invalid JSON is a rejection `Job is not valid JSON`, reported before any wrong type. A
//! value of the wrong type is a rejection naming the first such field, in declaration
//! order, depth first: `Job.attempts is not a valid i64`, `Job.tags[2] is not a valid
//! String`, `Job.meta.owner is missing`, `Job.id is given twice`.
//!
//! Encoding writes what `serde_json::to_string` writes for the same Rust value with
//! serde's derive: fields in declaration order (`None` as `null`), integers in decimal,
//! floats in `serde_json`'s shortest form (`0.1`, `1.0`, `1e+16`; NaN and the infinities as
//! `null`), strings with `serde_json`'s escapes (`/` is not escaped), an empty `Vec` as
//! `[]`, and the keys of a `HashMap` sorted byte by byte (serde_json would follow the
//! map's arbitrary order).

use crate::key::Reject;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashMap;

/// The largest integer a Lua number holds exactly.
const MAX_SAFE: i64 = (1 << 53) - 1;

/// A JSON value as `serde_json` reads it, keeping what a typed reading needs: whether a
/// number was an integer, and every key of an object in order (duplicates too).
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer `serde_json` reads as `u64`.
    U64(u64),
    /// A negative integer `serde_json` reads as `i64`.
    I64(i64),
    /// Any other number (a fraction, an exponent, `-0`, an integer beyond 64 bits).
    F64(f64),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object's members in the order of the text, duplicates included.
    Object(Vec<(String, JsonValue)>),
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = JsonValue;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<JsonValue, E> {
        Ok(JsonValue::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<JsonValue, E> {
        Ok(JsonValue::Bool(b))
    }
    fn visit_u64<E>(self, n: u64) -> Result<JsonValue, E> {
        Ok(JsonValue::U64(n))
    }
    fn visit_i64<E>(self, n: i64) -> Result<JsonValue, E> {
        Ok(JsonValue::I64(n))
    }
    fn visit_f64<E>(self, x: f64) -> Result<JsonValue, E> {
        Ok(JsonValue::F64(x))
    }
    fn visit_str<E>(self, s: &str) -> Result<JsonValue, E> {
        Ok(JsonValue::Str(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<JsonValue, E> {
        Ok(JsonValue::Str(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<JsonValue, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = a.next_element()? {
            v.push(x);
        }
        Ok(JsonValue::Array(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<JsonValue, A::Error> {
        let mut v = Vec::new();
        while let Some((k, x)) = a.next_entry::<String, JsonValue>()? {
            v.push((k, x));
        }
        Ok(JsonValue::Object(v))
    }
}

impl<'de> Deserialize<'de> for JsonValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<JsonValue, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

/// Reads JSON text as `serde_json` does (`from_slice`: UTF-8 checked, 127 levels at most).
pub fn parse(text: &[u8]) -> Result<JsonValue, String> {
    serde_json::from_slice(text).map_err(|e| e.to_string())
}

/// A type that reads from and writes to JSON: implemented for the field types and by
/// `#[derive(Json)]`.
pub trait Json: Sized {
    /// The type's name, as rejections print it (`i64`, `Vec<String>`, `Job`).
    fn type_name() -> String;

    /// Appends the JSON text of the value.
    fn write_json(&self, out: &mut String);

    /// The value from a JSON value; `path` names it in the error (`Job.tags[2]`).
    fn read_json(v: &JsonValue, path: &str) -> Result<Self, String>;

    /// The value of a struct's field the object does not have: a rejection, except for
    /// an `Option` (`None`).
    fn absent(path: &str) -> Result<Self, String> {
        Err(format!("{path} is missing"))
    }
}

fn invalid<T: Json>(path: &str) -> String {
    format!("{path} is not a valid {}", T::type_name())
}

macro_rules! int_json {
    ($($t:ident),*) => {$(
        impl Json for $t {
            fn type_name() -> String {
                stringify!($t).to_string()
            }
            fn write_json(&self, out: &mut String) {
                out.push_str(&self.to_string());
            }
            fn read_json(v: &JsonValue, path: &str) -> Result<Self, String> {
                let n: Option<i128> = match v {
                    JsonValue::U64(n) => Some(i128::from(*n)),
                    JsonValue::I64(n) => Some(i128::from(*n)),
                    _ => None,
                };
                // Lua holds integers exactly only within +/-(2^53 - 1).
                n.filter(|n| n.abs() <= i128::from(MAX_SAFE)).and_then(|n| $t::try_from(n).ok()).ok_or_else(|| invalid::<$t>(path))
            }
        }
    )*};
}

int_json!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl Json for f64 {
    fn type_name() -> String {
        "f64".into()
    }
    fn write_json(&self, out: &mut String) {
        // serde_json's text: shortest round-trip digits; `null` for NaN and infinities.
        out.push_str(&serde_json::to_string(self).unwrap_or_else(|_| "null".into()));
    }
    fn read_json(v: &JsonValue, path: &str) -> Result<Self, String> {
        match v {
            JsonValue::U64(n) => Ok(*n as f64),
            JsonValue::I64(n) => Ok(*n as f64),
            JsonValue::F64(x) => Ok(*x),
            _ => Err(invalid::<f64>(path)),
        }
    }
}

impl Json for bool {
    fn type_name() -> String {
        "bool".into()
    }
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
    fn read_json(v: &JsonValue, path: &str) -> Result<Self, String> {
        match v {
            JsonValue::Bool(b) => Ok(*b),
            _ => Err(invalid::<bool>(path)),
        }
    }
}

impl Json for String {
    fn type_name() -> String {
        "String".into()
    }
    fn write_json(&self, out: &mut String) {
        write_str(out, self);
    }
    fn read_json(v: &JsonValue, path: &str) -> Result<Self, String> {
        match v {
            JsonValue::Str(s) => Ok(s.clone()),
            _ => Err(invalid::<String>(path)),
        }
    }
}

impl<T: Json> Json for Option<T> {
    fn type_name() -> String {
        T::type_name()
    }
    fn write_json(&self, out: &mut String) {
        match self {
            Some(v) => v.write_json(out),
            None => out.push_str("null"),
        }
    }
    fn read_json(v: &JsonValue, path: &str) -> Result<Self, String> {
        match v {
            JsonValue::Null => Ok(None),
            v => T::read_json(v, path).map(Some),
        }
    }
    fn absent(_: &str) -> Result<Self, String> {
        Ok(None)
    }
}

impl<T: Json> Json for Vec<T> {
    fn type_name() -> String {
        format!("Vec<{}>", T::type_name())
    }
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            v.write_json(out);
        }
        out.push(']');
    }
    fn read_json(v: &JsonValue, path: &str) -> Result<Self, String> {
        match v {
            JsonValue::Array(items) => items.iter().enumerate().map(|(i, v)| T::read_json(v, &format!("{path}[{i}]"))).collect(),
            _ => Err(invalid::<Self>(path)),
        }
    }
}

impl<T: Json> Json for HashMap<String, T> {
    fn type_name() -> String {
        format!("HashMap<String, {}>", T::type_name())
    }
    fn write_json(&self, out: &mut String) {
        let mut keys: Vec<&String> = self.keys().collect();
        keys.sort();
        out.push('{');
        for (i, k) in keys.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_str(out, k);
            out.push(':');
            if let Some(v) = self.get(k) {
                v.write_json(out);
            }
        }
        out.push('}');
    }
    fn read_json(v: &JsonValue, path: &str) -> Result<Self, String> {
        match v {
            JsonValue::Object(members) => {
                let mut m = HashMap::new();
                for (k, v) in members {
                    m.insert(k.clone(), T::read_json(v, &format!("{path}[\"{k}\"]"))?);
                }
                Ok(m)
            }
            _ => Err(invalid::<Self>(path)),
        }
    }
}

/// Appends `s` as a JSON string, escaped as `serde_json` escapes it.
pub fn write_str(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// The members of the object a struct `name` reads from, or the rejection.
#[doc(hidden)]
pub fn object<'a>(v: &'a JsonValue, path: &str, name: &str) -> Result<&'a [(String, JsonValue)], String> {
    match v {
        JsonValue::Object(m) => Ok(m),
        _ => Err(format!("{path} is not a valid {name}")),
    }
}

/// The struct field `name` of `members` (at `path`): a rejection when it is given twice,
/// [`Json::absent`] when it is not given.
#[doc(hidden)]
pub fn field<T: Json>(members: &[(String, JsonValue)], path: &str, name: &str) -> Result<T, String> {
    let path = format!("{path}.{name}");
    let mut found = members.iter().filter(|(k, _)| k == name);
    match (found.next(), found.next()) {
        (Some(_), Some(_)) => Err(format!("{path} is given twice")),
        (Some((_, v)), None) => T::read_json(v, &path),
        (None, _) => T::absent(&path),
    }
}

/// Reads `text` as JSON of type `T`: a rejection naming the first field that does not
/// fit (see the [module](self)).
///
/// ```
/// use redlua::prelude::*;
///
/// #[derive(Json, Debug, PartialEq)]
/// struct Job {
///     id: String,
///     tags: Vec<String>,
///     owner: Option<String>,
/// }
///
/// let job: Job = json_decode(r#"{"id":"j1","tags":[],"owner":null}"#).unwrap();
/// assert_eq!(job, Job { id: "j1".into(), tags: vec![], owner: None });
/// assert_eq!(json_encode(&job), r#"{"id":"j1","tags":[],"owner":null}"#);
/// let err = json_decode::<Job>(r#"{"id":"j1","tags":[1]}"#).unwrap_err();
/// assert_eq!(err.message(), "Job.tags[0] is not a valid String");
/// ```
pub fn json_decode<T: Json>(text: &str) -> Result<T, Reject> {
    let v = parse(text.as_bytes()).map_err(|_| Reject::new(format!("{} is not valid JSON", T::type_name())))?;
    T::read_json(&v, &T::type_name()).map_err(Reject::new)
}

/// The JSON text of `value` (see the [module](self)).
pub fn json_encode<T: Json>(value: &T) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}
