//! Dynamic property values: bindings, nested expressions and `If` conditions.
//!
//! A string property in Flow JSON is one of (see `flow-json.md` §3):
//!
//! * a **literal** (`"Hello"`),
//! * a **binding**: exactly one reference and nothing else (`"${data.name}"`),
//! * a **nested expression** (6.0+, `flow-json.md` §3.4): the whole value wrapped in backticks,
//!   e.g. `` "`'Hi ' ${form.first_name}`" ``,
//!
//! and an `If.condition` (`flow-json.md` §3.5) uses the expression grammar without backticks and
//! without concatenation.
//!
//! Grammar (precedence inferred from Meta's examples, as documented in §3.4):
//!
//! ```text
//! nested   := "`" concat "`"
//! concat   := orExpr ( WS+ orExpr )*          ; ≥2 members => string concatenation
//! orExpr   := andExpr ( "||" andExpr )*
//! andExpr  := notExpr ( "&&" notExpr )*
//! notExpr  := "!" notExpr | cmpExpr
//! cmpExpr  := addExpr ( ("=="|"!="|"<"|"<="|">"|">=") addExpr )?
//! addExpr  := mulExpr ( ("+"|"-") mulExpr )*
//! mulExpr  := unary ( ("*"|"/"|"%") unary )*
//! unary    := "-" NUMBER | primary
//! primary  := ref | STRING | NUMBER | BOOL | "(" orExpr ")"
//! ref      := "${" ( "screen." SCREEN_ID "." )? ( "data" | "form" ) "." IDENT ( "." IDENT )* "}"
//! ```
//!
//! Lexical rules: strings are single-quoted and accept the escapes `\'`, `\\` and `` \` `` (inside
//! a nested expression a backtick must be escaped); numbers are decimal without leading zeros and
//! a negative number has its `-` written directly before the digits; booleans are `true` and
//! `false`; a `SCREEN_ID` holds letters and underscores, an `IDENT` letters, digits and
//! underscores. A logical or comparison operator may not sit unparenthesised next to a
//! concatenation member (`` `'a' ${x} == 'b'` `` is rejected as ambiguous).
//!
//! Every [`Span`] is a byte range relative to the start of the string handed to the parser
//! (for nested expressions that includes the opening backtick). Parsing never panics and rejects
//! expressions nested deeper than [`MAX_DEPTH`] levels, so evaluation is bounded as well.

mod ast;
mod check;
mod eval;
mod lex;
mod parse;
#[cfg(test)]
mod tests;

pub use ast::{BinaryOp, Expr, ExprError, MAX_DEPTH, Ref, Scope, Span, Store};
pub use check::{Type, check_condition, type_of};
pub use eval::{display, eval};

use lex::{Mode, lex_ref};
use parse::parse;

/// How a property string is written.
#[derive(Debug, Clone, PartialEq)]
pub enum PropText {
    /// Plain text (may still contain `${`, see [`contains_reference`]).
    Literal,
    /// Exactly one reference and nothing else.
    Binding(Ref),
    /// A backtick-wrapped expression.
    Nested(Expr),
    /// Looks like a binding or nested expression but does not parse.
    Invalid(ExprError),
}

/// Classifies a JSON string property value.
///
/// * starts and ends with a backtick → [`PropText::Nested`] (or `Invalid` if it does not parse);
/// * exactly one `${…}` and nothing else → [`PropText::Binding`] (or `Invalid` when the
///   reference is malformed, e.g. `${data.}`);
/// * anything else → [`PropText::Literal`]. A literal that [contains a
///   reference](contains_reference) mixes static and dynamic text; reporting that is up to the
///   caller.
pub fn classify(text: &str) -> PropText {
    if text.len() >= 2 && text.starts_with('`') && text.ends_with('`') {
        return match parse_nested(text) {
            Ok(expr) => PropText::Nested(expr),
            Err(err) => PropText::Invalid(err),
        };
    }
    if text.starts_with("${") && text.ends_with('}') && text.matches("${").count() == 1 {
        return match lex_ref(text, 0, text.len()) {
            Ok((r, end)) if end == text.len() => PropText::Binding(r),
            Ok(_) => PropText::Literal,
            Err(err) => PropText::Invalid(err),
        };
    }
    PropText::Literal
}

/// Whether `s` contains the start of a reference (`${`).
pub fn contains_reference(s: &str) -> bool {
    s.contains("${")
}

/// Parses a string that must be exactly one well-formed reference.
pub fn parse_binding(text: &str) -> Option<Ref> {
    if !text.starts_with("${") {
        return None;
    }
    match lex_ref(text, 0, text.len()) {
        Ok((r, end)) if end == text.len() => Some(r),
        _ => None,
    }
}

/// Parses a nested expression; `text` includes the surrounding backticks.
pub fn parse_nested(text: &str) -> Result<Expr, ExprError> {
    if text.len() < 2 || !text.starts_with('`') || !text.ends_with('`') {
        return Err(ExprError::new(
            0..text.len(),
            "a nested expression must be wrapped in backticks, e.g. `'Hi ' ${form.name}`",
        ));
    }
    parse(text, 1..text.len() - 1, Mode::Nested)
}

/// Parses an `If.condition` (same grammar, no backticks, no concatenation).
pub fn parse_condition(text: &str) -> Result<Expr, ExprError> {
    parse(text, 0..text.len(), Mode::Condition)
}

/// Every reference in the expression, in source order.
pub fn refs(expr: &Expr) -> Vec<&Ref> {
    fn walk<'e>(expr: &'e Expr, out: &mut Vec<&'e Ref>) {
        match expr {
            Expr::String { .. } | Expr::Number { .. } | Expr::Bool { .. } => {}
            Expr::Ref(r) => out.push(r),
            Expr::Not { operand, .. } => walk(operand, out),
            Expr::Binary { lhs, rhs, .. } => {
                walk(lhs, out);
                walk(rhs, out);
            }
            Expr::Concat { parts, .. } => parts.iter().for_each(|p| walk(p, out)),
        }
    }
    let mut out = Vec::new();
    walk(expr, &mut out);
    out
}
