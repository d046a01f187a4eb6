//! `reject!("message")` and `reject!(code = "CODE", "message")`: the error replies a
//! function returns as `Err`.
//!
//! They become Lua error tables `{ err = 'CODE message' }`. A code that the server or
//! redis-rs gives to a call that did not run (`NOSCRIPT`, `BUSY`, `MOVED`, ...) is
//! refused at compile time, since a client would send the call again.

use crate::diag::Rule;
use crate::ir::*;
use crate::ir::{ExprKind, Ty};
use crate::lower::{macro_args_span, poison, Lowerer};
use proc_macro2::Span;

impl Lowerer<'_> {
    /// `reject!("message")` and `reject!(code = "CODE", "message")`: the whole error reply,
    /// `REJECT <message>` or `<CODE> <message>`.
    pub(crate) fn reject_macro(&mut self, mac: &syn::Macro, span: Span) -> Expr {
        // The whole error reply: `REJECT <message>`, or `<CODE> <message>`.
        if let Ok(s) = syn::parse2::<syn::LitStr>(mac.tokens.clone()) {
            return self.mk(ExprKind::Reject(format!("REJECT {}", s.value()).into_bytes()), Ty::Reject, span);
        }
        let coded = mac.parse_body_with(|input: syn::parse::ParseStream| {
            let word: syn::Ident = input.parse()?;
            if word != "code" {
                return Err(syn::Error::new(word.span(), "expected `code`"));
            }
            input.parse::<syn::Token![=]>()?;
            let code: syn::LitStr = input.parse()?;
            input.parse::<syn::Token![,]>()?;
            let message: syn::LitStr = input.parse()?;
            Ok((code, message))
        });
        match coded {
            Ok((code, message)) => {
                let c = code.value();
                let ok = c.len() <= 32
                    && c.starts_with(|ch: char| ch.is_ascii_uppercase())
                    && c.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_' || ch == '-');
                if !ok {
                    self.err(
                        Rule::Unsupported,
                        code.span(),
                        format!("`{c}` as an error code"),
                        "an error code is one word of capital letters, digits, `_` or `-` (at most 32), such as `ERR` or `NOFUNDS`: clients read it up to the first space",
                    );
                    return poison(span);
                }
                if let Some((what, hint)) = reserved_rejection(&c, &message.value()) {
                    let at = if what.starts_with('`') { code.span() } else { message.span() };
                    self.err(Rule::ReservedCode, at, what, hint);
                    return poison(span);
                }
                self.mk(ExprKind::Reject(format!("{c} {}", message.value()).into_bytes()), Ty::Reject, span)
            }
            Err(_) => {
                self.err(Rule::Unsupported, macro_args_span(mac), "`reject!` takes one string literal", "write `reject!(\"insufficient funds\")`, or `reject!(code = \"ERR\", \"insufficient funds\")` for another error code");
                poison(span)
            }
        }
    }
}

/// The error codes with which the server refuses a call that did not run, or with which
/// redis-rs redirects or retries a command: a rejection with one of them would be taken
/// for a call that did not run (and sent again).
pub(crate) const REFUSAL_CODES: [&str; 15] = [
    "NOSCRIPT", "BUSY", "LOADING", "NOPERM", "READONLY", "MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "OOM", "NOREPLICAS",
    "EXECABORT", "MISCONF", "CROSSSLOT",
];

/// Why `reject!(code = code, message)` could be taken for the server's refusal of the
/// call, and the hint; `None` when it cannot.
pub(crate) fn reserved_rejection(code: &str, message: &str) -> Option<(String, String)> {
    if REFUSAL_CODES.contains(&code) {
        return Some((
            format!("`{code}` is the code of a server refusal: a rejection with it would be taken for a call that did not run, and sent again"),
            "use a code of your own, such as `NOFUNDS`, or the default `REJECT`: `reject!(\"message\")`".to_string(),
        ));
    }
    // The reply is `<code> <message>`, with line breaks turned into spaces; clients read
    // the text after the first space.
    let text = message.trim_start_matches(|c: char| c.is_whitespace()).to_ascii_lowercase();
    if code == "ERR" && text.starts_with("function not found") {
        return Some((
            "the text of the server's `ERR Function not found`: this rejection would be taken for a function that is not loaded, and the call sent again".to_string(),
            "word the message differently, or give it a code of your own such as `reject!(code = \"NOTFOUND\", \"..\")`".to_string(),
        ));
    }
    None
}
#[cfg(test)]
mod tests {
    use crate::diag::Rule;
    
    fn rejecting(code: &str, message: &str) -> Result<crate::CompiledLibrary, Vec<crate::diag::Diagnostic>> {
        let body = format!(
            r#"mod m {{ use redlua::prelude::*;
                #[redis_function] pub fn f(k: Key) -> Result<i64, Reject> {{ incr(&k); Err(reject!(code = {code:?}, {message:?})) }} }}"#
        );
        crate::compile_library(r#"name = "m""#.parse().unwrap(), body.parse().unwrap())
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
        for (code, text) in [("NOFUNDS", "Function not found"), ("ERR", "no such account"), ("REJECT", "Function not found"), ("BUSYKEY", "x"), ("NOSCRIPTS", "x")] {
            assert!(rejecting(code, text).is_ok(), "{code} {text}");
        }
    }
}
