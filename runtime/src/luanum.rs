//! Lua's numbers, for ports of hand-written scripts: what Lua 5.1 inside Redis does with
//! them, reproduced in Rust for the native twins.
//!
//! - [`lua_tonumber`]: Lua's `tonumber(s)` (C's `strtod`: leading and trailing spaces,
//!   hex `0x1F` and hex floats, exponents, `inf` / `infinity` / `nan` in any case);
//! - [`lua_tostring`]: Lua's `tostring(x)` and `..` (C's `%.14g`);
//! - [`lua_arg`] / [`LuaArg`]: a number passed to a command as `redis.call` sends a Lua
//!   number (the server writes it with `%.17g` on Redis 7.0: `0.1` is sent as
//!   `0.10000000000000001`, `-0` as `-0`);
//! - [`LuaNumber`]: a parameter of a redis function read from ARGV with `tonumber`.
//!
//! Inside a redis function each is the Lua itself (`tonumber`, `tostring`, the number
//! passed to `redis.call`), so the server does the conversion, as in the original script.

/// A parameter of a redis function read as Lua's `tonumber(ARGV[i])` reads it: `" 7 "`,
/// `"0x1F"`, `"1e3"`, `"inf"`, `"-nan"` are numbers. A text `tonumber` refuses fails the
/// call with `ERR redlua: argument n must be a number as Lua's tonumber reads it`.
///
/// The call stub takes the text itself (what a caller of the original script sends);
/// the native twin takes the number, as [`LuaNumber::parse`] reads the text. The body
/// reads the number with `n.0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LuaNumber(pub f64);

impl LuaNumber {
    /// The number Lua's `tonumber` reads from `text`, if any (see [`lua_tonumber`]).
    ///
    /// ```
    /// use redlua::prelude::LuaNumber;
    /// assert_eq!(LuaNumber::parse(" 0x1F "), Some(LuaNumber(31.0)));
    /// assert_eq!(LuaNumber::parse("7abc"), None);
    /// ```
    pub fn parse(text: &str) -> Option<LuaNumber> {
        lua_tonumber(text).map(LuaNumber)
    }
}

/// A number sent to a command as `redis.call` sends a Lua number: made by [`lua_arg`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LuaArg(pub f64);

impl LuaArg {
    /// The bytes Redis 7.0 sends for the Lua number: C's `%.17g` (`-0` stays `-0`,
    /// NaN is `nan` or `-nan` by its sign bit, the infinities `inf` and `-inf`).
    pub fn bytes(&self) -> Vec<u8> {
        fmt_g(self.0, 17).into_bytes()
    }
}

/// The number `x` as an argument of a command, sent as `redis.call` sends a Lua number:
/// the server converts it (Redis 7.0: `%.17g`, so 0.1 is `0.10000000000000001` and `-0`
/// is `-0`). Inside a redis function this passes the Lua number itself to `redis.call`;
/// the native twin sends what its own server sends for the number (it asks the server
/// once per number, so it matches Redis 7.0 and Valkey, which writes the shortest text
/// that reads back as the number, and no `-0`). [`LuaArg::bytes`] is Redis 7.0's text.
///
/// ```
/// use redlua::prelude::lua_arg;
/// assert_eq!(lua_arg(0.1).bytes(), b"0.10000000000000001");
/// assert_eq!(lua_arg(1e20).bytes(), b"1e+20");
/// assert_eq!(lua_arg(-0.0).bytes(), b"-0");
/// ```
pub fn lua_arg(x: f64) -> LuaArg {
    LuaArg(x)
}

/// Lua's `tostring(x)` (also what `..` writes): C's `%.14g`.
///
/// ```
/// use redlua::prelude::lua_tostring;
/// assert_eq!(lua_tostring(0.1 + 0.2), "0.3");
/// assert_eq!(lua_tostring(9007199254740993.0), "9.007199254741e+15");
/// assert_eq!(lua_tostring(-0.0), "-0");
/// assert_eq!(lua_tostring(1e100), "1e+100");
/// assert_eq!(lua_tostring(f64::INFINITY), "inf");
/// ```
pub fn lua_tostring(x: f64) -> String {
    fmt_g(x, 14)
}

/// Lua 5.1's `tonumber(s)` inside Redis: C's `strtod` on the text up to its first NUL
/// byte, then only white space may follow. Leading white space, a sign, decimal with an
/// exponent (`1e3`, `.5`, `5.`), hex (`0x1F`, `0x1p4`, `-0x10`), `inf` / `infinity` and
/// `nan` (also `nan(123)`) in any case are numbers; `""`, `"7abc"`, `"1e"`, `"0x"` are
/// not. A number beyond the doubles is an infinity (`1e400`), a tiny one 0 or subnormal.
///
/// ```
/// use redlua::prelude::lua_tonumber;
/// assert_eq!(lua_tonumber(" 7 "), Some(7.0));
/// assert_eq!(lua_tonumber("0x1F"), Some(31.0));
/// assert_eq!(lua_tonumber("1e400"), Some(f64::INFINITY));
/// assert!(lua_tonumber("-nan").unwrap().is_nan());
/// assert_eq!(lua_tonumber("7abc"), None);
/// assert_eq!(lua_tonumber(""), None);
/// ```
pub fn lua_tonumber(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let b = match b.iter().position(|&c| c == 0) {
        Some(n) => &b[..n],
        None => b,
    };
    let (x, end) = strtod(b)?;
    if b[end..].iter().all(|&c| is_space(c)) {
        Some(x)
    } else {
        None
    }
}

/// C's `isspace` in the "C" locale.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn starts_ci(b: &[u8], at: usize, word: &str) -> bool {
    b.len() >= at + word.len() && b[at..at + word.len()].eq_ignore_ascii_case(word.as_bytes())
}

/// glibc's `strtod`: the number and the index after it, or None when no number starts
/// the text.
fn strtod(b: &[u8]) -> Option<(f64, usize)> {
    let mut i = 0;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    let mut neg = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        neg = b[i] == b'-';
        i += 1;
    }
    let sign = |x: f64| if neg { -x } else { x };
    if starts_ci(b, i, "inf") {
        let end = if starts_ci(b, i, "infinity") { i + 8 } else { i + 3 };
        return Some((sign(f64::INFINITY), end));
    }
    if starts_ci(b, i, "nan") {
        let mut end = i + 3;
        if end < b.len() && b[end] == b'(' {
            let mut j = end + 1;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j < b.len() && b[j] == b')' {
                end = j + 1;
            }
        }
        return Some((sign(f64::NAN), end));
    }
    let hex_digit = |c: u8| (c as char).to_digit(16);
    if b.len() > i + 1 && b[i] == b'0' && (b[i + 1] | 0x20) == b'x' {
        let j = i + 2;
        let starts = (j < b.len() && hex_digit(b[j]).is_some()) || (j + 1 < b.len() && b[j] == b'.' && hex_digit(b[j + 1]).is_some());
        if starts {
            let (x, end) = hex_float(b, j);
            return Some((sign(x), end));
        }
        // "0x" with no hex digit: the number is the 0.
        return Some((sign(0.0), i + 1));
    }
    let start = i;
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] | 0x20) == b'e' {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    // The scanned text is ASCII in Rust's float syntax, which rounds correctly as glibc does.
    let text = std::str::from_utf8(&b[start..i]).ok()?;
    let x: f64 = text.parse().ok()?;
    Some((sign(x), i))
}

/// A hex float's digits from `j` (after `0x`): `h.hhh` and an optional `p` exponent,
/// rounded to the nearest double (ties to even), as glibc does.
fn hex_float(b: &[u8], mut j: usize) -> (f64, usize) {
    let mut m: u64 = 0;
    let mut e: i64 = 0;
    let mut sticky = false;
    let mut frac = false;
    while j < b.len() {
        let c = b[j];
        if c == b'.' && !frac {
            frac = true;
            j += 1;
            continue;
        }
        let Some(d) = (c as char).to_digit(16) else { break };
        if m < (1 << 56) {
            m = m * 16 + d as u64;
            if frac {
                e -= 4;
            }
        } else {
            sticky |= d != 0;
            if !frac {
                e += 4;
            }
        }
        j += 1;
    }
    if j < b.len() && (b[j] | 0x20) == b'p' {
        let mut k = j + 1;
        let mut eneg = false;
        if k < b.len() && (b[k] == b'+' || b[k] == b'-') {
            eneg = b[k] == b'-';
            k += 1;
        }
        if k < b.len() && b[k].is_ascii_digit() {
            let mut p: i64 = 0;
            while k < b.len() && b[k].is_ascii_digit() {
                p = (p * 10 + (b[k] - b'0') as i64).min(1 << 20);
                k += 1;
            }
            e += if eneg { -p } else { p };
            j = k;
        }
    }
    (scale(m, sticky, e), j)
}

/// `(m + a little when sticky) * 2^e`, rounded to the nearest double, ties to even.
fn scale(m: u64, sticky: bool, e: i64) -> f64 {
    if m == 0 {
        return 0.0;
    }
    let n = 64 - m.leading_zeros() as i64;
    let top = e + n - 1;
    if top > 1100 {
        return f64::INFINITY;
    }
    if top < -1100 {
        return 0.0;
    }
    let lsb = (top - 52).max(-1074);
    let shift = lsb - e;
    let q: u64 = if shift <= 0 {
        m << (-shift)
    } else {
        let m = m as u128;
        let shift = shift as u32;
        let q = (m >> shift) as u64;
        let rem = m & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        if rem > half || (rem == half && (sticky || q & 1 == 1)) {
            q + 1
        } else {
            q
        }
    };
    let mut x = q as f64;
    let mut p = lsb;
    while p > 1000 {
        x *= 2f64.powi(1000);
        p -= 1000;
    }
    while p < -1000 {
        x *= 2f64.powi(-1000);
        p += 1000;
    }
    x * 2f64.powi(p as i32)
}

/// C's `%.<p>g` as glibc writes it.
pub(crate) fn fmt_g(x: f64, p: usize) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0");
    }
    // `d.ddde±X`, rounded to p significant digits (exactly, ties to even, as glibc).
    let e = format!("{:.*e}", p - 1, x.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let strip = |s: String| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if exp < -4 || exp >= p as i64 {
        let m = strip(format!("{}.{}", &digits[..1], &digits[1..]));
        let es = if exp < 0 { "-" } else { "+" };
        format!("{sign}{m}e{es}{:02}", exp.abs())
    } else if exp >= 0 {
        let k = exp as usize + 1;
        format!("{sign}{}", strip(format!("{}.{}", &digits[..k], &digits[k..])))
    } else {
        let zeros = "0".repeat((-exp - 1) as usize);
        format!("{sign}{}", strip(format!("0.{zeros}{digits}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tonumber_edges() {
        assert_eq!(lua_tonumber(" 7 "), Some(7.0));
        assert_eq!(lua_tonumber("\t-7\n"), Some(-7.0));
        assert_eq!(lua_tonumber("0x1F"), Some(31.0));
        assert_eq!(lua_tonumber("-0x10"), Some(-16.0));
        assert_eq!(lua_tonumber("0x1p4"), Some(16.0));
        assert_eq!(lua_tonumber("0x.8"), Some(0.5));
        assert_eq!(lua_tonumber("0x"), None);
        assert_eq!(lua_tonumber("1e3"), Some(1000.0));
        assert_eq!(lua_tonumber("1e"), None);
        assert_eq!(lua_tonumber(".5"), Some(0.5));
        assert_eq!(lua_tonumber("5."), Some(5.0));
        assert_eq!(lua_tonumber("."), None);
        assert_eq!(lua_tonumber("INF"), Some(f64::INFINITY));
        assert_eq!(lua_tonumber("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(lua_tonumber("infin"), None);
        assert!(lua_tonumber("nan(12)").unwrap().is_nan());
        assert!(lua_tonumber("-nan").unwrap().is_sign_negative());
        assert_eq!(lua_tonumber("1e400"), Some(f64::INFINITY));
        assert_eq!(lua_tonumber("7\0abc"), Some(7.0));
        assert_eq!(lua_tonumber("0x1FFFFFFFFFFFFF1"), Some(0x1FFFFFFFFFFFFF1u64 as f64));
        assert_eq!(lua_tonumber("0x1p-1074"), Some(f64::from_bits(1)));
        assert_eq!(lua_tonumber("0x1p-1075"), Some(0.0));
        assert_eq!(lua_tonumber("0x1.8p-1074"), Some(f64::from_bits(2)));
        assert_eq!(lua_tonumber("0x1p1024"), Some(f64::INFINITY));
    }

    #[test]
    fn g_formats() {
        assert_eq!(fmt_g(0.1, 17), "0.10000000000000001");
        assert_eq!(fmt_g(1e20, 17), "1e+20");
        assert_eq!(fmt_g(1e16, 17), "10000000000000000");
        assert_eq!(fmt_g(1e17, 17), "1e+17");
        assert_eq!(fmt_g(0.0001, 14), "0.0001");
        assert_eq!(fmt_g(0.00001, 14), "1e-05");
        assert_eq!(fmt_g(123.456, 14), "123.456");
        assert_eq!(fmt_g(100.0, 14), "100");
        assert_eq!(fmt_g(1.0 / 3.0, 17), "0.33333333333333331");
        assert_eq!(fmt_g(1e300, 17), "1.0000000000000001e+300");
    }
}
