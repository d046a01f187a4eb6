//! `reject!("message")`, `reject!("{} is over {}", n, max)` and
//! `reject!(code = "CODE", "message")`: the error replies a function returns as `Err`.
//!
//! They become Lua error tables `{ err = 'CODE message' }`; a message with run-time data
//! is formatted as `format!` does and passed through the `reject` helper. A code that the server or
//! redis-rs gives to a call that did not run (`NOSCRIPT`, `BUSY`, `MOVED`, ...) is
//! refused at compile time, since a client would send the call again.

use crate::diag::Rule;
use crate::ir::*;
use crate::ir::{ExprKind, Ty};
use crate::lower::{macro_args_span, poison, Lowerer};
use proc_macro2::Span;

impl Lowerer<'_> {
    /// `reject!("message")`, `reject!("{} is over {}", n, max)` and
    /// `reject!(code = "CODE", "message {}", x)`: the whole error reply, `REJECT <message>`
    /// or `<CODE> <message>`, the message formatted as `format!` would.
    pub(crate) fn reject_macro(&mut self, mac: &syn::Macro, span: Span) -> Expr {
        let parsed = mac.parse_body_with(|input: syn::parse::ParseStream| {
            let mut code: Option<syn::LitStr> = None;
            if input.peek(syn::Ident) && input.peek2(syn::Token![=]) {
                let word: syn::Ident = input.parse()?;
                if word != "code" {
                    return Err(syn::Error::new(word.span(), "expected `code`"));
                }
                input.parse::<syn::Token![=]>()?;
                code = Some(input.parse()?);
                input.parse::<syn::Token![,]>()?;
            }
            let message: syn::LitStr = input.parse()?;
            // The format arguments follow a comma (`reject!("a" = 1)` is no form of it).
            if !input.is_empty() && !input.peek(syn::Token![,]) {
                return Err(input.error("expected `,`"));
            }
            let rest: proc_macro2::TokenStream = input.parse()?;
            Ok((code, message, rest))
        });
        let Ok((code, message, rest)) = parsed else {
            self.err(
                Rule::Unsupported,
                macro_args_span(mac),
                "this form of `reject!`",
                "write `reject!(\"insufficient funds\")`, `reject!(\"{} is over {}\", n, max)` (formatted as `format!`), or `reject!(code = \"ERR\", \"..\")` for another error code",
            );
            return poison(span);
        };
        let c = code.as_ref().map_or_else(|| "REJECT".to_string(), syn::LitStr::value);
        if let Some(code) = &code {
            let ok = c.len() <= 32
                && c.starts_with(|ch: char| ch.is_ascii_alphabetic())
                && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
            if !ok {
                self.err(
                    Rule::Unsupported,
                    code.span(),
                    format!("`{c}` as an error code"),
                    "an error code is one word of letters, digits, `_` or `-` (at most 32), such as `ERR`, `NOFUNDS` or `task`: clients read it up to the first space",
                );
                return poison(span);
            }
        }
        let text = message.value();
        // A message without placeholders is sent as written (as `format!` would, but for
        // `{{` and `}}`, which only a format string has).
        if rest.is_empty() && !text.contains(['{', '}']) {
            if let Some((what, hint)) = reserved_rejection(&c, &text, false) {
                let at = match &code {
                    Some(code) if what.starts_with('`') => code.span(),
                    _ => message.span(),
                };
                self.err(Rule::ReservedCode, at, what, hint);
                return poison(span);
            }
            return self.mk(ExprKind::Reject(format!("{c} {text}").into_bytes()), Ty::Reject, span);
        }
        // The message is a format string: lowered as `format!` with the same arguments.
        let fmt = syn::Macro { path: syn::parse_quote!(format), bang_token: mac.bang_token, delimiter: mac.delimiter.clone(), tokens: quote::quote!(#message #rest) };
        let msg = self.format_macro(&fmt, span);
        if let ExprKind::Str(s) = &msg.kind {
            let s = String::from_utf8_lossy(s).into_owned();
            if let Some((what, hint)) = reserved_rejection(&c, &s, false) {
                self.err(Rule::ReservedCode, message.span(), what, hint);
                return poison(span);
            }
            return self.mk(ExprKind::Reject(format!("{c} {s}").into_bytes()), Ty::Reject, span);
        }
        // The text before the first placeholder is all that is known at compile time: it
        // must rule out the texts the runtime reads as a refusal.
        let head = text.split('{').next().unwrap_or_default().replace("}}", "}");
        if let Some((what, hint)) = reserved_rejection(&c, &head, true) {
            let at = match &code {
                Some(code) if what.starts_with('`') => code.span(),
                _ => message.span(),
            };
            self.err(Rule::ReservedCode, at, what, hint);
            return poison(span);
        }
        self.mk(ExprKind::RejectWith(format!("{c} ").into_bytes(), Box::new(msg)), Ty::Reject, span)
    }
}

/// The error codes with which the server refuses a call that did not run, or with which
/// redis-rs redirects or retries a command: a rejection with one of them would be taken
/// for a call that did not run (and sent again).
pub(crate) const REFUSAL_CODES: [&str; 15] = [
    "NOSCRIPT", "BUSY", "LOADING", "NOPERM", "READONLY", "MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "OOM", "NOREPLICAS",
    "EXECABORT", "MISCONF", "CROSSSLOT",
];

/// The texts that, under `ERR`, the runtime reads as the server's refusal of the call
/// (`ERR Function not found`) or as a function stopped before it wrote
/// (`ERR Script killed by user with SCRIPT KILL...`), lower case.
const REFUSAL_TEXTS: [(&str, &str); 2] = [
    ("function not found", "the text of the server's `ERR Function not found`: this rejection would be taken for a function that is not loaded, and the call sent again"),
    ("script killed by user", "the text of the server's `ERR Script killed by user ..`: this rejection would be taken for a call stopped before it wrote anything"),
];

/// Why `reject!(code = code, message)` could be taken for the server's refusal of the
/// call, and the hint; `None` when it cannot. With `open`, `message` is only the start of
/// the text (run-time data follows), and the rejection is refused when that data could
/// complete it into a refusal's text.
pub(crate) fn reserved_rejection(code: &str, message: &str, open: bool) -> Option<(String, String)> {
    if REFUSAL_CODES.iter().any(|r| r.eq_ignore_ascii_case(code)) {
        return Some((
            format!("`{code}` is the code of a server refusal: a rejection with it would be taken for a call that did not run, and sent again"),
            "use a code of your own, such as `NOFUNDS`, or the default `REJECT`: `reject!(\"message\")`".to_string(),
        ));
    }
    if !code.eq_ignore_ascii_case("ERR") {
        return None;
    }
    // The reply is `<code> <message>`, with line breaks turned into spaces; clients read
    // the text after the first space.
    let text = message.trim_start_matches(|c: char| c.is_whitespace()).to_ascii_lowercase();
    for (refusal, why) in REFUSAL_TEXTS {
        if text.starts_with(refusal) {
            return Some((
                why.to_string(),
                "word the message differently, or give it a code of your own such as `reject!(code = \"NOTFOUND\", \"..\")`".to_string(),
            ));
        }
        if open && refusal.starts_with(&text) {
            return Some((
                "an `ERR` rejection whose text starts with run-time data: the data could make it a refusal's text such as `ERR Function not found`, and the call would be taken for one that did not run".to_string(),
                "start the message with literal text (`reject!(code = \"ERR\", \"invalid amount: {}\", n)`), or give it a code of your own".to_string(),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::diag::Rule;
    
    fn rejecting(code: &str, message: &str) -> Result<crate::CompiledLibrary, Vec<crate::diag::Diagnostic>> {
        compile(&source(code, message))
    }

    fn source(code: &str, message: &str) -> String {
        format!(
            r#"mod m {{ use redlua::prelude::*;
                #[redis_function] pub fn f(k: Key) -> Result<i64, Reject> {{ incr(&k); Err(reject!(code = {code:?}, {message:?})) }} }}"#
        )
    }

    fn compile(source: &str) -> Result<crate::CompiledLibrary, Vec<crate::diag::Diagnostic>> {
        crate::compile_library(r#"name = "m""#.parse().unwrap(), source.parse().unwrap())
    }

    #[test]
    pub(crate) fn rejections_that_look_like_a_server_refusal_are_compile_errors() {
        for code in super::REFUSAL_CODES {
            let errors = rejecting(code, "after a write").err().unwrap_or_default();
            assert_eq!(errors.len(), 1, "{code}: {errors:?}");
            assert_eq!(errors[0].rule, Rule::ReservedCode, "{code}");
            assert!(errors[0].message.contains(&format!("`{code}`")), "{}", errors[0].message);
        }
        for text in ["Function not found", "function not found: try later", "  Function not found", "\nFunction not found"] {
            let errors = rejecting("ERR", text).err().unwrap_or_default();
            assert!(errors.len() == 1 && errors[0].rule == Rule::ReservedCode, "{text:?}: {errors:?}");
        }
        // Codes of one's own, and the text under another code, are fine.
        for (code, text) in [("NOFUNDS", "Function not found"), ("ERR", "no such account"), ("REJECT", "Function not found"), ("BUSYKEY", "x"), ("NOSCRIPTS", "x"), ("task", "x")] {
            assert!(rejecting(code, text).is_ok(), "{code} {text}");
        }
        // A refusal's code in lower case, and the server's kill text.
        for (code, text) in [("moved", "x"), ("Busy", "x"), ("ERR", "Script killed by user with SCRIPT KILL")] {
            let errors = rejecting(code, text).err().unwrap_or_default();
            assert!(errors.len() == 1 && errors[0].rule == Rule::ReservedCode, "{code} {text}: {errors:?}");
        }
    }

    #[test]
    fn run_time_text_under_err_must_start_with_literal_text_that_rules_out_a_refusal() {
        for (text, refused) in [("{}", true), ("  {}", true), ("Function {}", true), ("function not {}", true), ("Script {}", true), ("bad: {}", false), ("Functions {}", false), ("{{}}", false)] {
            let errors = rejecting_with("ERR", text).err().unwrap_or_default();
            assert_eq!(errors.iter().any(|e| e.rule == Rule::ReservedCode), refused, "{text:?}: {errors:?}");
            // Under a code of one's own, any text is fine.
            assert!(rejecting_with("NOFUNDS", text).is_ok(), "{text:?}");
        }
    }

    /// A call that is no form of `reject!` is refused as such, whatever its first tokens.
    #[test]
    fn other_forms_of_reject_are_refused_as_such() {
        for call in [r#"reject!("a" = 1)"#, r#"reject!("a {}" = 1)"#, r#"reject!("a" 1)"#, r#"reject!(msg)"#, r#"reject!(code, "x")"#, r#"reject!(self = "x", "y")"#, r#"reject!(kind = "X", "y")"#, r#"reject!(code = "X")"#] {
            let source = format!("mod m {{ use redlua::prelude::*; #[redis_function] pub fn f() -> Result<i64, Reject> {{ Err({call}) }} }}");
            let errors = compile(&source).err().unwrap_or_default();
            assert!(errors.len() == 1 && errors[0].rule == Rule::Unsupported && errors[0].message == "this form of `reject!`", "{call}: {errors:?}");
        }
    }

    #[test]
    fn an_error_code_is_one_word_that_starts_with_a_letter_at_most_32_long() {
        let long = "A".repeat(33);
        for code in ["1ERR", "_X", "-X", long.as_str(), "NO FUNDS", "NO.FUNDS", ""] {
            let errors = rejecting(code, "x").err().unwrap_or_default();
            assert!(errors.len() == 1 && errors[0].rule == Rule::Unsupported && errors[0].message.contains("as an error code"), "{code:?}: {errors:?}");
        }
        for code in ["A".repeat(32).as_str(), "E1", "no_funds", "no-funds", "x"] {
            assert!(rejecting(code, "x").is_ok(), "{code:?}");
        }
    }

    #[test]
    fn only_a_whole_refusal_text_is_refused_when_the_message_is_all_literal() {
        // The start of a refusal's text is refused only when run-time data follows it.
        for text in ["Function", "function not", "Script killed", "script"] {
            assert!(rejecting("ERR", text).is_ok(), "{text:?}");
        }
    }

    /// A refused code points at the code, a refused text at the message, with run-time
    /// data in the message or without.
    #[test]
    fn a_refused_rejection_points_at_what_makes_it_one() {
        for (code, message) in [("BUSY", "after {}"), ("BUSY", "after a write"), ("ERR", "{}"), ("ERR", "Function not found")] {
            let src = if message.contains("{}") { source_with(code, message) } else { source(code, message) };
            let errors = compile(&src).err().unwrap_or_default();
            assert!(errors.len() == 1 && errors[0].rule == Rule::ReservedCode, "{code} {message:?}: {errors:?}");
            let want = if code == "BUSY" { format!("{code:?}") } else { format!("{message:?}") };
            let text = src.lines().nth(1).unwrap_or_default();
            let column = text.find(&want).map(|b| text[..b].chars().count());
            let at = errors[0].span.start();
            assert_eq!((at.line, Some(at.column)), (2, column), "{code} {message:?}: the error points at {want}");
        }
    }

    fn rejecting_with(code: &str, message: &str) -> Result<crate::CompiledLibrary, Vec<crate::diag::Diagnostic>> {
        compile(&source_with(code, message))
    }

    fn source_with(code: &str, message: &str) -> String {
        let args = if message.replace("{{", "").contains("{}") { ", s" } else { "" };
        format!(
            r#"mod m {{ use redlua::prelude::*;
                #[redis_function] pub fn f(k: Key, s: String) -> Result<i64, Reject> {{ incr(&k); Err(reject!(code = {code:?}, {message:?}{args})) }} }}"#
        )
    }

}
