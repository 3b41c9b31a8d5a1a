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

use serde_json::Value;
use std::fmt;

/// A byte range inside the expression text (relative to the start of the string value given to
/// the parser).
pub type Span = std::ops::Range<usize>;

/// Deepest nesting accepted (parentheses, `!` and operator chains all count).
pub const MAX_DEPTH: usize = 64;

/// Which screen a reference reads from.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// `${data.x}` / `${form.x}`: the current screen.
    Local,
    /// `${screen.ID.data.x}` / `${screen.ID.form.x}`: the screen with this ID.
    Screen(String),
}

/// Which store of a screen a reference reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// The screen's data model (`data`).
    Data,
    /// The screen's input values (`form`).
    Form,
}

impl Store {
    /// The keyword used in reference syntax (`data` or `form`).
    pub fn as_str(self) -> &'static str {
        match self {
            Store::Data => "data",
            Store::Form => "form",
        }
    }
}

/// A reference such as `${data.profile.name}` or `${screen.START.form.agree}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub scope: Scope,
    pub store: Store,
    /// Field path after the store: `["profile", "name"]` for `${data.profile.name}`.
    pub path: Vec<String>,
    /// The whole `${…}` text.
    pub span: Span,
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("${")?;
        if let Scope::Screen(id) = &self.scope {
            write!(f, "screen.{id}.")?;
        }
        f.write_str(self.store.as_str())?;
        for segment in &self.path {
            write!(f, ".{segment}")?;
        }
        f.write_str("}")
    }
}

/// Binary operators, in the groups of `flow-json.md` §3.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
        }
    }

    /// `==`, `!=`, `<`, `<=`, `>`, `>=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }

    /// `&&`, `||`.
    pub fn is_logical(self) -> bool {
        matches!(self, BinaryOp::And | BinaryOp::Or)
    }
}

impl fmt::Display for BinaryOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// A parsed expression. Negative number literals (`-5`) are folded into [`Expr::Number`]; the
/// grammar allows `-` only directly before a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    String {
        value: String,
        span: Span,
    },
    Number {
        value: f64,
        span: Span,
    },
    Bool {
        value: bool,
        span: Span,
    },
    Ref(Ref),
    /// `!operand`.
    Not {
        operand: Box<Expr>,
        span: Span,
    },
    Binary {
        op: BinaryOp,
        /// Where the operator itself is written.
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        span: Span,
    },
    /// Two or more members separated by whitespace (nested expressions only).
    Concat {
        parts: Vec<Expr>,
        span: Span,
    },
}

impl Expr {
    /// The source range of this expression (from its first token to its last).
    pub fn span(&self) -> Span {
        match self {
            Expr::String { span, .. }
            | Expr::Number { span, .. }
            | Expr::Bool { span, .. }
            | Expr::Not { span, .. }
            | Expr::Binary { span, .. }
            | Expr::Concat { span, .. } => span.clone(),
            Expr::Ref(r) => r.span.clone(),
        }
    }

    /// A string, number or boolean literal.
    pub fn is_literal(&self) -> bool {
        matches!(
            self,
            Expr::String { .. } | Expr::Number { .. } | Expr::Bool { .. }
        )
    }

    /// Height of the tree; only called on trees whose children were already depth-checked.
    fn depth(&self) -> usize {
        match self {
            Expr::String { .. } | Expr::Number { .. } | Expr::Bool { .. } | Expr::Ref(_) => 1,
            Expr::Not { operand, .. } => 1 + operand.depth(),
            Expr::Binary { lhs, rhs, .. } => 1 + lhs.depth().max(rhs.depth()),
            Expr::Concat { parts, .. } => 1 + parts.iter().map(Expr::depth).max().unwrap_or(0),
        }
    }
}

/// A syntax or type error inside an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    pub span: Span,
    pub message: String,
}

impl ExprError {
    fn new(span: Span, message: impl Into<String>) -> Self {
        ExprError {
            span,
            message: message.into(),
        }
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}

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

// ---------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Inside backticks: concatenation allowed, raw backticks forbidden.
    Nested,
    /// `If.condition`: no concatenation, no backticks.
    Condition,
}

#[derive(Debug, Clone, PartialEq)]
enum TokKind {
    Ref(Ref),
    Str(String),
    Num(f64),
    Bool(bool),
    /// Binary operator; `-` doubles as the sign of a negative number.
    Op(BinaryOp),
    Bang,
    LParen,
    RParen,
}

impl TokKind {
    fn starts_operand(&self) -> bool {
        matches!(
            self,
            TokKind::Ref(_)
                | TokKind::Str(_)
                | TokKind::Num(_)
                | TokKind::Bool(_)
                | TokKind::Bang
                | TokKind::LParen
        )
    }

    fn is_operator(&self) -> bool {
        matches!(self, TokKind::Op(_) | TokKind::Bang)
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: TokKind,
    span: Span,
    /// Whitespace directly precedes this token.
    space_before: bool,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits `src[range]` into tokens whose spans are relative to `src`.
fn tokenize(src: &str, range: Span, mode: Mode) -> Result<Vec<Token>, ExprError> {
    let bytes = src.as_bytes();
    let end = range.end;
    let at = |i: usize| bytes.get(i).copied().filter(|_| i < end);
    let mut tokens = Vec::new();
    let mut i = range.start;
    let mut space_before = false;
    while let Some(b) = at(i) {
        let start = i;
        let kind = match b {
            b'$' if at(i + 1) == Some(b'{') => {
                let (r, next) = lex_ref(src, i, end)?;
                i = next;
                TokKind::Ref(r)
            }
            b'\'' => {
                let (value, next) = lex_string(src, i, end, mode)?;
                i = next;
                TokKind::Str(value)
            }
            b'0'..=b'9' => {
                let (value, next) = lex_number(src, i, end)?;
                i = next;
                TokKind::Num(value)
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while at(i).is_some_and(is_ident_byte) {
                    i += 1;
                }
                let word = &src[start..i];
                match word {
                    "true" => TokKind::Bool(true),
                    "false" => TokKind::Bool(false),
                    _ => return Err(word_error(src, start, i, end)),
                }
            }
            b'(' => {
                i += 1;
                TokKind::LParen
            }
            b')' => {
                i += 1;
                TokKind::RParen
            }
            b'+' | b'-' | b'*' | b'/' | b'%' => {
                i += 1;
                TokKind::Op(match b {
                    b'+' => BinaryOp::Add,
                    b'-' => BinaryOp::Sub,
                    b'*' => BinaryOp::Mul,
                    b'/' => BinaryOp::Div,
                    _ => BinaryOp::Mod,
                })
            }
            b'=' | b'!' | b'<' | b'>' | b'&' | b'|' => {
                let (kind, next) = lex_symbol(b, i, &at)?;
                i = next;
                kind
            }
            b'`' => {
                let message = match mode {
                    Mode::Nested => {
                        "unescaped backtick inside the expression; write \\` to put a backtick in a string"
                    }
                    Mode::Condition => {
                        "If conditions are written without backticks; remove the backticks"
                    }
                };
                return Err(ExprError::new(i..i + 1, message));
            }
            b'"' => {
                return Err(ExprError::new(
                    i..i + 1,
                    "strings are written in single quotes, e.g. 'text'",
                ));
            }
            b'.' if at(i + 1).is_some_and(|d| d.is_ascii_digit()) => {
                return Err(ExprError::new(
                    i..i + 1,
                    "a number needs a digit before the decimal point, e.g. 0.5",
                ));
            }
            _ if b.is_ascii_whitespace() => {
                i += 1;
                space_before = true;
                continue;
            }
            _ => {
                let c = src
                    .get(i..end)
                    .and_then(|s| s.chars().next())
                    .unwrap_or('\u{FFFD}');
                if c.is_whitespace() {
                    i += c.len_utf8();
                    space_before = true;
                    continue;
                }
                return Err(ExprError::new(
                    i..i + c.len_utf8(),
                    format!("unexpected character `{c}`"),
                ));
            }
        };
        tokens.push(Token {
            kind,
            span: start..i,
            space_before,
        });
        space_before = false;
    }
    Ok(tokens)
}

/// Lexes one of the operators made of `= ! < > & |`, rejecting look-alikes such as `=` or `===`.
fn lex_symbol(
    b: u8,
    i: usize,
    at: &dyn Fn(usize) -> Option<u8>,
) -> Result<(TokKind, usize), ExprError> {
    let unknown = |len: usize, text: &str, fix: &str| {
        Err(ExprError::new(
            i..i + len,
            format!("`{text}` is not an operator; use `{fix}`"),
        ))
    };
    let next = at(i + 1);
    let third = at(i + 2);
    let op = |op: BinaryOp, len: usize| Ok((TokKind::Op(op), i + len));
    match (b, next) {
        (b'=', Some(b'=')) if third == Some(b'=') => unknown(3, "===", "=="),
        (b'=', Some(b'=')) => op(BinaryOp::Eq, 2),
        (b'=', Some(b'<')) => unknown(2, "=<", "<="),
        (b'=', Some(b'>')) => unknown(2, "=>", ">="),
        (b'=', _) => Err(ExprError::new(
            i..i + 1,
            "`=` is not an operator; use `==` to compare values",
        )),
        (b'!', Some(b'=')) if third == Some(b'=') => unknown(3, "!==", "!="),
        (b'!', Some(b'=')) => op(BinaryOp::Ne, 2),
        (b'!', _) => Ok((TokKind::Bang, i + 1)),
        (b'<', Some(b'=')) => op(BinaryOp::Le, 2),
        (b'<', Some(b'>')) => unknown(2, "<>", "!="),
        (b'<', _) => op(BinaryOp::Lt, 1),
        (b'>', Some(b'=')) => op(BinaryOp::Ge, 2),
        (b'>', _) => op(BinaryOp::Gt, 1),
        (b'&', Some(b'&')) if third == Some(b'&') => unknown(3, "&&&", "&&"),
        (b'&', Some(b'&')) => op(BinaryOp::And, 2),
        (b'&', _) => unknown(1, "&", "&&"),
        (b'|', Some(b'|')) if third == Some(b'|') => unknown(3, "|||", "||"),
        (b'|', Some(b'|')) => op(BinaryOp::Or, 2),
        _ => unknown(1, "|", "||"),
    }
}

/// The error for a bare word (anything but `true`/`false`) at `src[start..stop]`.
fn word_error(src: &str, start: usize, stop: usize, end: usize) -> ExprError {
    let word = &src[start..stop];
    let span = start..stop;
    if matches!(word, "data" | "form" | "screen") && src[stop..end].starts_with('.') {
        let run = src[stop..end]
            .bytes()
            .take_while(|&b| is_ident_byte(b) || b == b'.')
            .count();
        let path = &src[start..stop + run];
        return ExprError::new(
            start..stop + run,
            format!("references must be wrapped in `${{…}}`: write `${{{path}}}`"),
        );
    }
    let message = match word.to_ascii_lowercase().as_str() {
        "true" | "false" => format!(
            "booleans are written in lowercase: `{}`",
            word.to_ascii_lowercase()
        ),
        "and" => "`and` is not an operator; use `&&`".to_owned(),
        "or" => "`or` is not an operator; use `||`".to_owned(),
        "not" => "`not` is not an operator; use `!`".to_owned(),
        _ => format!(
            "unknown word `{word}`: write text in single quotes ('{word}') and values as references (`${{data.{word}}}` or `${{form.{word}}}`)"
        ),
    };
    ExprError::new(span, message)
}

/// Lexes a single-quoted string starting at `start`; returns the decoded text and the end offset.
fn lex_string(
    src: &str,
    start: usize,
    end: usize,
    mode: Mode,
) -> Result<(String, usize), ExprError> {
    let mut value = String::new();
    let mut chars = src[start + 1..end].char_indices();
    while let Some((offset, c)) = chars.next() {
        let pos = start + 1 + offset;
        match c {
            '\'' => return Ok((value, pos + 1)),
            '\\' => match chars.clone().next() {
                Some((_, escaped @ ('\'' | '\\' | '`'))) => {
                    chars.next();
                    value.push(escaped);
                }
                _ => value.push('\\'),
            },
            '`' if mode == Mode::Nested => {
                return Err(ExprError::new(
                    pos..pos + 1,
                    "a backtick inside a string must be escaped as \\`",
                ));
            }
            _ => value.push(c),
        }
    }
    Err(ExprError::new(
        start..end,
        "unclosed string: add a closing single quote (')",
    ))
}

/// Lexes an unsigned decimal number starting at `start` (a digit).
fn lex_number(src: &str, start: usize, end: usize) -> Result<(f64, usize), ExprError> {
    let bytes = &src.as_bytes()[..end];
    let digits_from = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let int_end = digits_from(start);
    let mut i = int_end;
    if bytes.get(i) == Some(&b'.') {
        let frac_end = digits_from(i + 1);
        if frac_end == i + 1 {
            return Err(ExprError::new(
                start..i + 1,
                format!(
                    "`{}` needs digits after the decimal point",
                    &src[start..i + 1]
                ),
            ));
        }
        i = frac_end;
    }
    if bytes.get(i).is_some_and(|&b| is_ident_byte(b)) {
        let stop = i + src[i..end]
            .bytes()
            .take_while(|&b| is_ident_byte(b))
            .count();
        return Err(ExprError::new(
            start..stop,
            format!(
                "invalid number `{}`: write numbers with digits and an optional decimal point only",
                &src[start..stop]
            ),
        ));
    }
    let text = &src[start..i];
    if text.starts_with('0') && int_end > start + 1 {
        let trimmed = text.trim_start_matches('0');
        let fixed = if trimmed.is_empty() || trimmed.starts_with('.') {
            format!("0{trimmed}")
        } else {
            trimmed.to_owned()
        };
        return Err(ExprError::new(
            start..i,
            format!("number `{text}` has leading zeros; write `{fixed}`"),
        ));
    }
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok((value, i)),
        _ => Err(ExprError::new(
            start..i,
            format!("number `{text}` is too large"),
        )),
    }
}

/// Lexes a reference starting at `start` (which holds `${`), not looking past `end`. Returns the
/// reference and the offset just after its `}`.
fn lex_ref(src: &str, start: usize, end: usize) -> Result<(Ref, usize), ExprError> {
    let open = start + 2;
    let rest = src.get(open..end).unwrap_or("");
    let close = match (rest.find('}'), rest.find("${")) {
        (Some(close), reopen) if reopen.is_none_or(|r| r > close) => open + close,
        _ => {
            let run = rest
                .bytes()
                .take_while(|&b| is_ident_byte(b) || b == b'.')
                .count();
            return Err(ExprError::new(
                start..open + run,
                "reference is missing its closing `}`",
            ));
        }
    };
    let full = start..close + 1;
    let text = &src[full.clone()];
    let content = &src[open..close];
    if content.is_empty() {
        return Err(ExprError::new(
            full,
            "empty reference: write `${data.<field>}` or `${form.<name>}`",
        ));
    }
    let mut segments = Vec::new();
    let mut offset = open;
    for segment in content.split('.') {
        segments.push((segment, offset));
        offset += segment.len() + 1;
    }
    // `split` yields at least one segment.
    let (root, root_at) = segments[0];
    let (scope, store, fields) = match root {
        "data" => (Scope::Local, Store::Data, &segments[1..]),
        "form" => (Scope::Local, Store::Form, &segments[1..]),
        "screen" => {
            let usage =
                "write `${screen.<SCREEN_ID>.data.<field>}` or `${screen.<SCREEN_ID>.form.<name>}`";
            let Some(&(id, id_at)) = segments.get(1) else {
                return Err(ExprError::new(
                    full,
                    format!("`{text}` does not name a screen; {usage}"),
                ));
            };
            if matches!(id, "data" | "form") {
                return Err(ExprError::new(
                    id_at..id_at + id.len(),
                    format!("missing screen ID before `{id}`; {usage}"),
                ));
            }
            check_name(id, id_at, true)?;
            let store = match segments.get(2) {
                Some(&("data", _)) => Store::Data,
                Some(&("form", _)) => Store::Form,
                Some(&(other, at)) => {
                    return Err(ExprError::new(
                        at..at + other.len(),
                        format!("expected `data` or `form` after the screen ID, found `{other}`"),
                    ));
                }
                None => {
                    return Err(ExprError::new(
                        full,
                        format!("`{text}` does not say what to read from the screen; {usage}"),
                    ));
                }
            };
            (Scope::Screen(id.to_owned()), store, &segments[3..])
        }
        "" => {
            return Err(ExprError::new(
                full,
                "a reference starts with `data.`, `form.` or `screen.<SCREEN_ID>.`",
            ));
        }
        other => {
            return Err(ExprError::new(
                root_at..root_at + other.len(),
                format!(
                    "unknown reference `{other}`: a reference starts with `data.`, `form.` or `screen.<SCREEN_ID>.`"
                ),
            ));
        }
    };
    if fields.is_empty() {
        let (what, placeholder) = match store {
            Store::Data => ("a field", "field"),
            Store::Form => ("an input", "name"),
        };
        let stem = &text[..text.len() - 1];
        return Err(ExprError::new(
            full,
            format!("`{text}` does not name {what}; write `{stem}.<{placeholder}>}}`"),
        ));
    }
    for &(name, at) in fields {
        check_name(name, at, false)?;
    }
    let path = fields.iter().map(|(name, _)| (*name).to_owned()).collect();
    Ok((
        Ref {
            scope,
            store,
            path,
            span: full.clone(),
        },
        full.end,
    ))
}

/// Checks one dot-separated segment of a reference (`at` is its offset, preceded by a dot).
fn check_name(name: &str, at: usize, screen_id: bool) -> Result<(), ExprError> {
    if name.is_empty() {
        return Err(ExprError::new(
            at.saturating_sub(1)..at,
            "missing name after `.` in reference",
        ));
    }
    let allowed =
        |c: char| c.is_ascii_alphabetic() || c == '_' || (!screen_id && c.is_ascii_digit());
    match name.char_indices().find(|&(_, c)| !allowed(c)) {
        None => Ok(()),
        Some((offset, c)) => {
            let span = at + offset..at + offset + c.len_utf8();
            let message = if c.is_whitespace() {
                "a reference cannot contain spaces".to_owned()
            } else if screen_id {
                format!("`{c}` is not allowed in a screen ID: use only letters and underscores")
            } else {
                format!(
                    "`{c}` is not allowed in a reference: names use only letters, digits and underscores"
                )
            };
            Err(ExprError::new(span, message))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

fn parse(src: &str, range: Span, mode: Mode) -> Result<Expr, ExprError> {
    let tokens = tokenize(src, range, mode)?;
    if tokens.is_empty() {
        let message = match mode {
            Mode::Nested => {
                "empty expression: write an expression between the backticks, e.g. `'Hi ' ${form.name}`"
            }
            Mode::Condition => "empty condition: write a condition such as `${form.agree}`",
        };
        return Err(ExprError::new(0..src.len(), message));
    }
    let mut parser = Parser {
        src,
        tokens,
        pos: 0,
        nesting: 0,
        mode,
    };
    let expr = match mode {
        Mode::Nested => parser.parse_concat()?,
        Mode::Condition => parser.parse_or()?,
    };
    match parser.peek() {
        None => Ok(expr),
        Some(tok) if tok.kind == TokKind::RParen => Err(ExprError::new(
            tok.span.clone(),
            "`)` has no matching `(`; remove it or add a `(` before it",
        )),
        Some(tok) if tok.kind.starts_operand() => Err(parser.missing_operator(tok)),
        Some(tok) => Err(ExprError::new(
            tok.span.clone(),
            format!("unexpected `{}`", parser.text(&tok.span)),
        )),
    }
}

type ParseFn<'a> = fn(&mut Parser<'a>) -> Result<Expr, ExprError>;

struct Parser<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    /// Current depth of `(` and `!` recursion.
    nesting: usize,
    mode: Mode,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn prev(&self) -> Option<&Token> {
        self.pos.checked_sub(1).and_then(|i| self.tokens.get(i))
    }

    fn bump(&mut self) -> Span {
        let span = self.peek().map(|t| t.span.clone()).unwrap_or_default();
        self.pos += 1;
        span
    }

    fn text(&self, span: &Span) -> &'a str {
        self.src.get(span.clone()).unwrap_or("")
    }

    /// Start offset of the next token.
    fn start(&self) -> usize {
        self.peek().map_or(self.src.len(), |t| t.span.start)
    }

    /// End offset of the last consumed token.
    fn prev_end(&self) -> usize {
        self.prev().map_or(0, |t| t.span.end)
    }

    fn peek_op(&self, ops: &[BinaryOp]) -> Option<BinaryOp> {
        match self.peek()?.kind {
            TokKind::Op(op) if ops.contains(&op) => Some(op),
            _ => None,
        }
    }

    fn too_deep(span: Span) -> ExprError {
        ExprError::new(
            span,
            format!(
                "expression is nested too deeply (more than {MAX_DEPTH} levels); split it into simpler parts"
            ),
        )
    }

    /// Enters one level of `(` or `!` recursion.
    fn enter(&mut self, at: &Span) -> Result<(), ExprError> {
        self.nesting += 1;
        if self.nesting > MAX_DEPTH {
            return Err(Self::too_deep(at.clone()));
        }
        Ok(())
    }

    fn limit_depth(expr: Expr, at: &Span) -> Result<Expr, ExprError> {
        if expr.depth() > MAX_DEPTH {
            Err(Self::too_deep(at.clone()))
        } else {
            Ok(expr)
        }
    }

    /// `concat := orExpr ( WS+ orExpr )*`
    fn parse_concat(&mut self) -> Result<Expr, ExprError> {
        let mut members = Vec::new();
        loop {
            let first = self.pos;
            let expr = self.parse_or()?;
            members.push((expr, first..self.pos));
            match self.peek() {
                Some(tok) if tok.kind.starts_operand() => {
                    if !tok.space_before {
                        return Err(self.missing_space(tok));
                    }
                }
                _ => break,
            }
        }
        if members.len() == 1 {
            return Ok(members.remove(0).0);
        }
        for (expr, range) in &members {
            let (symbol, op_span, kind) = match expr {
                Expr::Binary { op, op_span, .. } if op.is_comparison() => {
                    (op.symbol(), op_span.clone(), "comparison")
                }
                Expr::Binary { op, op_span, .. } if op.is_logical() => {
                    (op.symbol(), op_span.clone(), "logical expression")
                }
                Expr::Not { span, .. } => ("!", span.start..span.start + 1, "negation"),
                _ => continue,
            };
            if !self.is_wrapped(range) {
                let member = self.text(&self.range_span(range));
                return Err(ExprError::new(
                    op_span,
                    format!(
                        "`{symbol}` cannot be used next to concatenated values; wrap the {kind} in parentheses: `({member})`"
                    ),
                ));
            }
        }
        // `members` holds at least two entries here.
        let span = self.range_span(&(members[0].1.start..self.pos));
        let parts: Vec<Expr> = members.into_iter().map(|(expr, _)| expr).collect();
        Self::limit_depth(
            Expr::Concat {
                parts,
                span: span.clone(),
            },
            &span,
        )
    }

    /// Source span of the tokens `range`.
    fn range_span(&self, range: &std::ops::Range<usize>) -> Span {
        let start = self.tokens.get(range.start).map_or(0, |t| t.span.start);
        let end = range
            .end
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(start, |t| t.span.end);
        start..end
    }

    /// Whether the tokens `range` are one parenthesised group `( … )`.
    fn is_wrapped(&self, range: &std::ops::Range<usize>) -> bool {
        let mut depth = 0usize;
        for i in range.clone() {
            match self.tokens.get(i).map(|t| &t.kind) {
                Some(TokKind::LParen) => depth += 1,
                Some(TokKind::RParen) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1 == range.end;
                    }
                }
                _ if depth == 0 => return false,
                _ => {}
            }
        }
        false
    }

    /// Left-associative chain of `ops`, operands parsed by `next`.
    fn parse_chain(&mut self, ops: &[BinaryOp], next: ParseFn<'a>) -> Result<Expr, ExprError> {
        let start = self.start();
        let mut lhs = next(self)?;
        while let Some(op) = self.peek_op(ops) {
            let op_span = self.bump();
            let rhs = next(self)?;
            lhs = self.binary(op, op_span, lhs, rhs, start)?;
        }
        Ok(lhs)
    }

    fn binary(
        &self,
        op: BinaryOp,
        op_span: Span,
        lhs: Expr,
        rhs: Expr,
        start: usize,
    ) -> Result<Expr, ExprError> {
        let expr = Expr::Binary {
            op,
            op_span: op_span.clone(),
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
            span: start..self.prev_end(),
        };
        Self::limit_depth(expr, &op_span)
    }

    fn parse_or(&mut self) -> Result<Expr, ExprError> {
        self.parse_chain(&[BinaryOp::Or], Self::parse_and)
    }

    fn parse_and(&mut self) -> Result<Expr, ExprError> {
        self.parse_chain(&[BinaryOp::And], Self::parse_not)
    }

    fn parse_not(&mut self) -> Result<Expr, ExprError> {
        if self.peek().is_none_or(|t| t.kind != TokKind::Bang) {
            return self.parse_cmp();
        }
        let bang = self.bump();
        self.enter(&bang)?;
        let operand = self.parse_not()?;
        self.nesting -= 1;
        let expr = Expr::Not {
            operand: Box::new(operand),
            span: bang.start..self.prev_end(),
        };
        Self::limit_depth(expr, &bang)
    }

    fn parse_cmp(&mut self) -> Result<Expr, ExprError> {
        const COMPARISONS: [BinaryOp; 6] = [
            BinaryOp::Eq,
            BinaryOp::Ne,
            BinaryOp::Lt,
            BinaryOp::Le,
            BinaryOp::Gt,
            BinaryOp::Ge,
        ];
        let start = self.start();
        let lhs = self.parse_add()?;
        let Some(op) = self.peek_op(&COMPARISONS) else {
            return Ok(lhs);
        };
        let op_span = self.bump();
        let rhs = self.parse_add()?;
        let expr = self.binary(op, op_span, lhs, rhs, start)?;
        if let Some(second) = self.peek_op(&COMPARISONS) {
            let span = self.peek().map(|t| t.span.clone()).unwrap_or_default();
            return Err(ExprError::new(
                span,
                format!(
                    "comparisons cannot be chained: `{second}` follows another comparison; group them with parentheses and `&&`, e.g. `(a < b) && (b < c)`"
                ),
            ));
        }
        Ok(expr)
    }

    fn parse_add(&mut self) -> Result<Expr, ExprError> {
        self.parse_chain(&[BinaryOp::Add, BinaryOp::Sub], Self::parse_mul)
    }

    fn parse_mul(&mut self) -> Result<Expr, ExprError> {
        self.parse_chain(
            &[BinaryOp::Mul, BinaryOp::Div, BinaryOp::Mod],
            Self::parse_unary,
        )
    }

    /// `unary := "-" NUMBER | primary`
    fn parse_unary(&mut self) -> Result<Expr, ExprError> {
        if self.peek_op(&[BinaryOp::Sub]).is_none() {
            return self.parse_primary();
        }
        let minus = self.bump();
        match self.peek() {
            Some(Token {
                kind: TokKind::Num(value),
                span,
                space_before: false,
            }) => {
                let expr = Expr::Number {
                    value: -value,
                    span: minus.start..span.end,
                };
                self.pos += 1;
                Ok(expr)
            }
            Some(Token {
                kind: TokKind::Num(_),
                ..
            }) => Err(ExprError::new(
                minus,
                "remove the space between `-` and the number (write `-5`)",
            )),
            _ => Err(ExprError::new(
                minus,
                "`-` must be followed by a number here (e.g. `-5`); to subtract, put a value before it (`0 - …`)",
            )),
        }
    }

    /// `primary := ref | STRING | NUMBER | BOOL | "(" orExpr ")"`
    fn parse_primary(&mut self) -> Result<Expr, ExprError> {
        let Some(tok) = self.peek() else {
            return Err(self.operand_error());
        };
        let span = tok.span.clone();
        let expr = match &tok.kind {
            TokKind::Ref(r) => Expr::Ref(r.clone()),
            TokKind::Str(value) => Expr::String {
                value: value.clone(),
                span,
            },
            &TokKind::Num(value) => Expr::Number { value, span },
            &TokKind::Bool(value) => Expr::Bool { value, span },
            TokKind::LParen => return self.parse_group(),
            TokKind::Op(_) | TokKind::Bang | TokKind::RParen => {
                return Err(self.operand_error());
            }
        };
        self.pos += 1;
        Ok(expr)
    }

    fn parse_group(&mut self) -> Result<Expr, ExprError> {
        let open = self.bump();
        self.enter(&open)?;
        if let Some(close) = self.peek().filter(|t| t.kind == TokKind::RParen) {
            return Err(ExprError::new(
                open.start..close.span.end,
                "empty parentheses: put an expression inside them or remove them",
            ));
        }
        let inner = self.parse_or()?;
        match self.peek() {
            Some(tok) if tok.kind == TokKind::RParen => {
                self.pos += 1;
                self.nesting -= 1;
                Ok(inner)
            }
            Some(tok) => Err(self.missing_operator(tok)),
            None => Err(ExprError::new(
                open,
                "unclosed parenthesis: add a matching `)`",
            )),
        }
    }

    /// The error when an operand was expected at the current token.
    fn operand_error(&self) -> ExprError {
        let prev_op = self.prev().filter(|t| t.kind.is_operator());
        let nothing_after = |op: &Token| {
            ExprError::new(
                op.span.clone(),
                format!(
                    "`{}` has nothing after it; add a value after it or remove it",
                    self.text(&op.span)
                ),
            )
        };
        let Some(tok) = self.peek() else {
            return match (prev_op, self.prev()) {
                (Some(op), _) => nothing_after(op),
                (None, Some(open)) => ExprError::new(
                    open.span.clone(),
                    "unclosed parenthesis: add an expression and a matching `)`",
                ),
                (None, None) => ExprError::new(0..self.src.len(), "the expression is empty"),
            };
        };
        let text = self.text(&tok.span);
        let span = tok.span.clone();
        match (&tok.kind, prev_op) {
            (TokKind::RParen, Some(op)) => nothing_after(op),
            (TokKind::RParen, None) => ExprError::new(
                span,
                "`)` has no matching `(`; remove it or add a `(` before it",
            ),
            (TokKind::Bang, _) => ExprError::new(
                span,
                "`!` cannot be used here: only a whole condition can be negated; wrap the negation in parentheses, e.g. `(!${form.agree})`",
            ),
            (_, Some(op)) => ExprError::new(
                span,
                format!(
                    "`{text}` cannot follow `{}`; put a value between them",
                    self.text(&op.span)
                ),
            ),
            (_, None) => ExprError::new(span, format!("`{text}` needs a value on its left")),
        }
    }

    /// Two operands with nothing but whitespace between them where concatenation is not allowed.
    fn missing_operator(&self, tok: &Token) -> ExprError {
        let text = self.text(&tok.span);
        let message = match self.mode {
            Mode::Condition => format!(
                "missing operator before `{text}`: If conditions cannot concatenate values; join them with an operator such as `&&`, `||` or `==`"
            ),
            Mode::Nested => format!(
                "missing operator before `{text}`: values inside parentheses must be joined by an operator (concatenation with spaces only works outside parentheses)"
            ),
        };
        ExprError::new(tok.span.clone(), message)
    }

    /// Two operands written directly next to each other, without a space.
    fn missing_space(&self, tok: &Token) -> ExprError {
        let text = self.text(&tok.span);
        let both_strings = matches!(tok.kind, TokKind::Str(_))
            && matches!(self.prev().map(|t| &t.kind), Some(TokKind::Str(_)));
        let message = if both_strings {
            format!(
                "two strings written without a space between them; to put a quote inside a string write \\', to concatenate add a space before `{text}`"
            )
        } else {
            format!(
                "missing space before `{text}`: separate concatenated values with a space, or add an operator"
            )
        };
        ExprError::new(tok.span.clone(), message)
    }
}

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/// Static type of an expression or reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    String,
    Number,
    Boolean,
    Array,
    Object,
    Unknown,
}

impl Type {
    /// The type with an article, for messages ("a string").
    fn described(self) -> &'static str {
        match self {
            Type::String => "a string",
            Type::Number => "a number",
            Type::Boolean => "a boolean",
            Type::Array => "an array",
            Type::Object => "an object",
            Type::Unknown => "of unknown type",
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::String => "string",
            Type::Number => "number",
            Type::Boolean => "boolean",
            Type::Array => "array",
            Type::Object => "object",
            Type::Unknown => "unknown",
        })
    }
}

/// Static type check.
///
/// `lookup` gives the declared type of a reference; `None` (an unknown reference, reported by the
/// caller) counts as [`Type::Unknown`], which is accepted everywhere. The caller decides what a
/// reference to a TextInput with `input-type: number` reports (its runtime value is a string that
/// compares as a number).
pub fn type_of(expr: &Expr, lookup: &dyn Fn(&Ref) -> Option<Type>) -> Result<Type, ExprError> {
    match expr {
        Expr::String { .. } => Ok(Type::String),
        Expr::Number { .. } => Ok(Type::Number),
        Expr::Bool { .. } => Ok(Type::Boolean),
        Expr::Ref(r) => Ok(lookup(r).unwrap_or(Type::Unknown)),
        Expr::Not { operand, .. } => {
            let t = type_of(operand, lookup)?;
            if !matches!(t, Type::Boolean | Type::Unknown) {
                return Err(ExprError::new(
                    operand.span(),
                    format!("`!` needs a boolean, but its operand is {}", t.described()),
                ));
            }
            Ok(Type::Boolean)
        }
        Expr::Binary {
            op, lhs, rhs, span, ..
        } => {
            let lt = type_of(lhs, lookup)?;
            let rt = type_of(rhs, lookup)?;
            let sides = [(lt, "left", lhs), (rt, "right", rhs)];
            let require = |wanted: Type, what: &str, hint: &str| {
                for (t, side, e) in &sides {
                    if !matches!(t, Type::Unknown) && *t != wanted {
                        return Err(ExprError::new(
                            e.span(),
                            format!(
                                "`{op}` {what}, but the {side} side is {}{hint}",
                                t.described()
                            ),
                        ));
                    }
                }
                Ok(())
            };
            match op {
                BinaryOp::Eq | BinaryOp::Ne => {
                    for (t, side, e) in &sides {
                        if matches!(t, Type::Array | Type::Object) {
                            return Err(ExprError::new(
                                e.span(),
                                format!(
                                    "`{op}` compares strings, numbers or booleans, but the {side} side is {}",
                                    t.described()
                                ),
                            ));
                        }
                    }
                    if lt != Type::Unknown && rt != Type::Unknown && lt != rt {
                        return Err(ExprError::new(
                            span.clone(),
                            format!(
                                "`{op}` compares values of the same type, but the left side is {} and the right side is {}",
                                lt.described(),
                                rt.described()
                            ),
                        ));
                    }
                    Ok(Type::Boolean)
                }
                BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                    require(Type::Number, "compares numbers", "")?;
                    Ok(Type::Boolean)
                }
                BinaryOp::And | BinaryOp::Or => {
                    require(Type::Boolean, "needs booleans on both sides", "")?;
                    Ok(Type::Boolean)
                }
                BinaryOp::Add => {
                    require(
                        Type::Number,
                        "adds numbers",
                        "; to join text, write the values side by side separated by a space",
                    )?;
                    Ok(Type::Number)
                }
                BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
                    require(Type::Number, "works on numbers", "")?;
                    Ok(Type::Number)
                }
            }
        }
        Expr::Concat { parts, .. } => {
            for part in parts {
                let t = type_of(part, lookup)?;
                if matches!(t, Type::Array | Type::Object) {
                    return Err(ExprError::new(
                        part.span(),
                        format!(
                            "{} cannot be concatenated; only strings, numbers and booleans can",
                            capitalize(t.described())
                        ),
                    ));
                }
            }
            Ok(Type::String)
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Checks the extra rules of an `If.condition` (`flow-json.md` §3.5): not a lone literal, no
/// operator with literals on both sides, at least one reference, type-correct and boolean
/// (or of unknown type).
pub fn check_condition(
    expr: &Expr,
    lookup: &dyn Fn(&Ref) -> Option<Type>,
) -> Result<(), ExprError> {
    if expr.is_literal() {
        return Err(ExprError::new(
            expr.span(),
            "a condition cannot be a lone literal because it never changes; use a reference such as `${data.show}`",
        ));
    }
    if let Some((op, span)) = literal_pair(expr) {
        return Err(ExprError::new(
            span,
            format!(
                "both sides of `{op}` are literals, so the result never changes; make one side a reference"
            ),
        ));
    }
    if refs(expr).is_empty() {
        return Err(ExprError::new(
            expr.span(),
            "the condition contains no reference, so it never changes; use at least one value such as `${form.x}` or `${data.x}`",
        ));
    }
    match type_of(expr, lookup)? {
        Type::Boolean | Type::Unknown => Ok(()),
        t => {
            let message = match (expr, t) {
                (Expr::Ref(r), Type::String) => format!(
                    "a condition must be a boolean, but `{r}` is a string; compare it, e.g. `{r} != ''`"
                ),
                (Expr::Ref(r), Type::Number) => format!(
                    "a condition must be a boolean, but `{r}` is a number; compare it, e.g. `{r} > 0`"
                ),
                _ => format!(
                    "a condition must be a boolean, but this is {}; use a comparison such as `==` or `<`",
                    t.described()
                ),
            };
            Err(ExprError::new(expr.span(), message))
        }
    }
}

/// The first binary operator whose both operands are literals.
fn literal_pair(expr: &Expr) -> Option<(BinaryOp, Span)> {
    match expr {
        Expr::Binary {
            op, lhs, rhs, span, ..
        } => {
            if lhs.is_literal() && rhs.is_literal() {
                Some((*op, span.clone()))
            } else {
                literal_pair(lhs).or_else(|| literal_pair(rhs))
            }
        }
        Expr::Not { operand, .. } => literal_pair(operand),
        Expr::Concat { parts, .. } => parts.iter().find_map(literal_pair),
        Expr::String { .. } | Expr::Number { .. } | Expr::Bool { .. } | Expr::Ref(_) => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/// Evaluates an expression the way the WhatsApp client does. `resolve` returns the runtime value
/// of a reference (`None` = not set yet).
///
/// * `&&`, `||`, `!` use truthiness (missing/null, `false`, `0`, `""` are false) and short-circuit;
/// * `==`/`!=` compare numerically when both sides are numbers or numeric strings; a missing
///   value equals the empty value of the other side (`""`, `0`, `false`, `[]`, `{}`);
/// * arithmetic and ordering convert numeric strings to numbers; arithmetic counts missing
///   values and `""` as 0, ordering with a missing value is `false`; any other operand makes
///   arithmetic yield null and ordering yield `false`;
/// * division or modulo by zero yields 0;
/// * concatenation joins the [`display`] text of each member.
pub fn eval(expr: &Expr, resolve: &dyn Fn(&Ref) -> Option<Value>) -> Value {
    match expr {
        Expr::String { value, .. } => Value::String(value.clone()),
        Expr::Number { value, .. } => number_value(*value),
        Expr::Bool { value, .. } => Value::Bool(*value),
        Expr::Ref(r) => resolve(r).unwrap_or(Value::Null),
        Expr::Not { operand, .. } => Value::Bool(!truthy(&eval(operand, resolve))),
        Expr::Binary { op, lhs, rhs, .. } => {
            let value = |e: &Expr| eval(e, resolve);
            match op {
                BinaryOp::And => Value::Bool(truthy(&value(lhs)) && truthy(&value(rhs))),
                BinaryOp::Or => Value::Bool(truthy(&value(lhs)) || truthy(&value(rhs))),
                BinaryOp::Eq => Value::Bool(loosely_equal(&value(lhs), &value(rhs))),
                BinaryOp::Ne => Value::Bool(!loosely_equal(&value(lhs), &value(rhs))),
                BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                    // A value that is not set yet is neither smaller nor larger than anything:
                    // `${form.age} >= 18` stays false until the user types an age.
                    let (Some(a), Some(b)) = (numeric(&value(lhs)), numeric(&value(rhs))) else {
                        return Value::Bool(false);
                    };
                    Value::Bool(match op {
                        BinaryOp::Lt => a < b,
                        BinaryOp::Le => a <= b,
                        BinaryOp::Gt => a > b,
                        _ => a >= b,
                    })
                }
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
                    let (Some(a), Some(b)) = (to_number(&value(lhs)), to_number(&value(rhs)))
                    else {
                        return Value::Null;
                    };
                    number_value(match op {
                        BinaryOp::Add => a + b,
                        BinaryOp::Sub => a - b,
                        BinaryOp::Mul => a * b,
                        _ if b == 0.0 => 0.0,
                        BinaryOp::Div => a / b,
                        _ => a % b,
                    })
                }
            }
        }
        Expr::Concat { parts, .. } => Value::String(
            parts
                .iter()
                .map(|part| display(&eval(part, resolve)))
                .collect(),
        ),
    }
}

/// Text the way WhatsApp shows a value: numbers without a trailing `.0`, strings as-is, booleans
/// as `true`/`false`, null as the empty string, arrays and objects as compact JSON.
pub fn display(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (None, Some(u), _) => u.to_string(),
            (None, None, Some(0.0)) => "0".to_owned(),
            (None, None, Some(f)) => f.to_string(),
            (None, None, None) => n.to_string(),
        },
        Value::Array(_) | Value::Object(_) => value.to_string(),
    }
}

/// A JSON number for `x`: whole numbers become integers (so they serialise as `36`, not `36.0`);
/// non-finite results become null.
fn number_value(x: f64) -> Value {
    const MAX_SAFE: f64 = 9_007_199_254_740_992.0;
    if !x.is_finite() {
        Value::Null
    } else if x.fract() == 0.0 && x.abs() <= MAX_SAFE {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// A number, or a non-empty string that parses as a finite number.
fn numeric(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// Operand of arithmetic/ordering: numbers, numeric strings, and missing or `""` as 0.
fn to_number(value: &Value) -> Option<f64> {
    match value {
        Value::Null => Some(0.0),
        Value::String(s) if s.trim().is_empty() => Some(0.0),
        _ => numeric(value),
    }
}

fn loosely_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, other) | (other, Value::Null) => is_empty_value(other),
        _ => match (numeric(a), numeric(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    }
}

/// What a missing value stands for: `""`, `0`, `false`, `[]`, `{}` (or null itself).
fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(members) => members.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::cell::RefCell;

    fn nested(text: &str) -> Expr {
        parse_nested(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    fn nested_err(text: &str) -> ExprError {
        match parse_nested(text) {
            Ok(expr) => panic!("{text} parsed: {expr:?}"),
            Err(err) => err,
        }
    }

    fn cond(text: &str) -> Expr {
        parse_condition(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    fn cond_err(text: &str) -> ExprError {
        match parse_condition(text) {
            Ok(expr) => panic!("{text} parsed: {expr:?}"),
            Err(err) => err,
        }
    }

    fn err(span: Span, message: &str) -> ExprError {
        ExprError::new(span, message)
    }

    fn local(store: Store, path: &[&str], span: Span) -> Ref {
        Ref {
            scope: Scope::Local,
            store,
            path: path.iter().map(|s| (*s).to_owned()).collect(),
            span,
        }
    }

    /// Resolves references against `{"data": …, "form": …, "screens": {ID: {"data": …}}}`.
    fn resolver(env: &Value) -> impl Fn(&Ref) -> Option<Value> + '_ {
        move |r: &Ref| {
            let mut value = match &r.scope {
                Scope::Local => env.get(r.store.as_str())?,
                Scope::Screen(id) => env.get("screens")?.get(id)?.get(r.store.as_str())?,
            };
            for segment in &r.path {
                value = value.get(segment)?;
            }
            Some(value.clone())
        }
    }

    fn env() -> Value {
        json!({
            "data": {
                "total": 10, "unit_price": 2.5, "name": "Ann", "day": "Monday",
                "profile": { "name": "Bo" }, "list": ["a", "b"]
            },
            "form": {
                "qty": "3", "people": "4", "agree": true, "off": false, "first": "Ann",
                "last": "Ann", "age": 20, "blank": ""
            },
            "screens": { "START": { "form": { "agree": true } } }
        })
    }

    fn run(text: &str) -> Value {
        let expr = if text.starts_with('`') {
            nested(text)
        } else {
            cond(text)
        };
        let env = env();
        eval(&expr, &resolver(&env))
    }

    fn lookup(r: &Ref) -> Option<Type> {
        let name = r.path.join(".");
        match (r.store, name.as_str()) {
            (Store::Form, "name") => Some(Type::String),
            (Store::Form, "age") => Some(Type::Number),
            (Store::Form, "agree") => Some(Type::Boolean),
            (Store::Form, "tags") => Some(Type::Array),
            (Store::Data, "profile") => Some(Type::Object),
            _ => None,
        }
    }

    fn type_err(text: &str) -> ExprError {
        let expr = if text.starts_with('`') {
            nested(text)
        } else {
            cond(text)
        };
        match type_of(&expr, &lookup) {
            Ok(t) => panic!("{text} typed as {t}"),
            Err(err) => err,
        }
    }

    fn check(text: &str) -> Result<(), ExprError> {
        check_condition(&cond(text), &lookup)
    }

    // --- classification and bindings ---------------------------------------------------------

    #[test]
    fn classify_literals_bindings_and_nested() {
        assert_eq!(classify("Hello"), PropText::Literal);
        assert_eq!(classify(""), PropText::Literal);
        assert_eq!(classify("`"), PropText::Literal);
        assert_eq!(classify("Hi ${data.name}"), PropText::Literal);
        assert_eq!(classify("${data.a}${data.b}"), PropText::Literal);
        assert_eq!(classify("${data.a}}"), PropText::Literal);
        assert_eq!(classify(" ${data.a}"), PropText::Literal);
        assert_eq!(
            classify("${data.profile.name}"),
            PropText::Binding(local(Store::Data, &["profile", "name"], 0..20))
        );
        assert_eq!(
            classify("${screen.START.form.agree}"),
            PropText::Binding(Ref {
                scope: Scope::Screen("START".into()),
                store: Store::Form,
                path: vec!["agree".into()],
                span: 0..26,
            })
        );
        let PropText::Nested(Expr::Binary { op, .. }) = classify("`${form.age} >= 18`") else {
            panic!("not a nested comparison");
        };
        assert_eq!(op, BinaryOp::Ge);
        assert_eq!(
            classify("`${form.age} >=`"),
            PropText::Invalid(err(
                13..15,
                "`>=` has nothing after it; add a value after it or remove it"
            ))
        );
        assert_eq!(
            classify("${data.first name}"),
            PropText::Invalid(err(12..13, "a reference cannot contain spaces"))
        );
    }

    #[test]
    fn contains_reference_detects_dollar_brace() {
        assert!(contains_reference("Hi ${data.name}"));
        assert!(contains_reference("${"));
        assert!(!contains_reference("Costs $5 {approx}"));
    }

    #[test]
    fn parse_binding_accepts_only_one_whole_reference() {
        assert_eq!(
            parse_binding("${form.x}"),
            Some(local(Store::Form, &["x"], 0..9))
        );
        assert_eq!(
            parse_binding("${data.a_1.B2}"),
            Some(local(Store::Data, &["a_1", "B2"], 0..14))
        );
        assert_eq!(parse_binding(" ${form.x}"), None);
        assert_eq!(parse_binding("${form.x} "), None);
        assert_eq!(parse_binding("${form.x}${form.y}"), None);
        assert_eq!(parse_binding("${data.}"), None);
        assert_eq!(parse_binding("text"), None);
    }

    #[test]
    fn ref_display_round_trips() {
        for text in ["${data.a.b}", "${form.x}", "${screen.S_A.data.z}"] {
            assert_eq!(
                parse_binding(text).map(|r| r.to_string()),
                Some(text.into())
            );
        }
    }

    #[test]
    fn malformed_references() {
        let cases: [(&str, Span, &str); 14] = [
            (
                "${data}",
                0..7,
                "`${data}` does not name a field; write `${data.<field>}`",
            ),
            (
                "${form}",
                0..7,
                "`${form}` does not name an input; write `${form.<name>}`",
            ),
            ("${data.}", 6..7, "missing name after `.` in reference"),
            ("${data..x}", 6..7, "missing name after `.` in reference"),
            (
                "${foo.x}",
                2..5,
                "unknown reference `foo`: a reference starts with `data.`, `form.` or `screen.<SCREEN_ID>.`",
            ),
            (
                "${.x}",
                0..5,
                "a reference starts with `data.`, `form.` or `screen.<SCREEN_ID>.`",
            ),
            ("${data.x", 0..8, "reference is missing its closing `}`"),
            (
                "${data.x && ${data.y}",
                0..8,
                "reference is missing its closing `}`",
            ),
            (
                "${}",
                0..3,
                "empty reference: write `${data.<field>}` or `${form.<name>}`",
            ),
            (
                "${data.a-b}",
                8..9,
                "`-` is not allowed in a reference: names use only letters, digits and underscores",
            ),
            (
                "${screen.A1.data.x}",
                10..11,
                "`1` is not allowed in a screen ID: use only letters and underscores",
            ),
            (
                "${screen.data.x}",
                9..13,
                "missing screen ID before `data`; write `${screen.<SCREEN_ID>.data.<field>}` or `${screen.<SCREEN_ID>.form.<name>}`",
            ),
            (
                "${screen.A.foo.x}",
                11..14,
                "expected `data` or `form` after the screen ID, found `foo`",
            ),
            (
                "${screen.A.data}",
                0..16,
                "`${screen.A.data}` does not name a field; write `${screen.A.data.<field>}`",
            ),
        ];
        for (text, span, message) in cases {
            assert_eq!(cond_err(text), err(span, message), "{text}");
        }
        assert_eq!(
            cond_err("${screen}").message,
            "`${screen}` does not name a screen; write `${screen.<SCREEN_ID>.data.<field>}` or `${screen.<SCREEN_ID>.form.<name>}`"
        );
        assert_eq!(
            cond_err("${screen.A}").message,
            "`${screen.A}` does not say what to read from the screen; write `${screen.<SCREEN_ID>.data.<field>}` or `${screen.<SCREEN_ID>.form.<name>}`"
        );
    }

    // --- structure, precedence and spans -----------------------------------------------------

    #[test]
    fn precedence_follows_the_grammar() {
        let Expr::Binary { op, rhs, .. } = cond("1 + 2 * 3 == ${form.a}") else {
            panic!("not binary");
        };
        assert_eq!(op, BinaryOp::Eq);
        assert!(matches!(*rhs, Expr::Ref(_)));

        let Expr::Binary { op, lhs, rhs, .. } = cond("${data.a} || ${data.b} && ${data.c}") else {
            panic!("not binary");
        };
        assert_eq!(op, BinaryOp::Or);
        assert!(matches!(*lhs, Expr::Ref(_)));
        assert!(matches!(
            *rhs,
            Expr::Binary {
                op: BinaryOp::And,
                ..
            }
        ));

        let Expr::Not { operand, span } = cond("!${form.a} == ${form.b}") else {
            panic!("not a negation");
        };
        assert_eq!(span, 0..23);
        assert!(matches!(
            *operand,
            Expr::Binary {
                op: BinaryOp::Eq,
                ..
            }
        ));

        assert_eq!(run("`1 + 2 * 3`"), json!(7));
        assert_eq!(run("`(1 + 2) * 3`"), json!(9));
        assert_eq!(run("`10 - 4 - 3`"), json!(3));
        assert_eq!(run("`12 / 3 / 2`"), json!(2));
    }

    #[test]
    fn exact_spans() {
        let text = "`'a' (${data.x} + 1)`";
        let Expr::Concat { parts, span } = nested(text) else {
            panic!("not a concatenation");
        };
        assert_eq!(span, 1..20);
        assert_eq!(
            parts[0],
            Expr::String {
                value: "a".into(),
                span: 1..4
            }
        );
        assert_eq!(
            parts[1],
            Expr::Binary {
                op: BinaryOp::Add,
                op_span: 16..17,
                lhs: Box::new(Expr::Ref(local(Store::Data, &["x"], 6..15))),
                rhs: Box::new(Expr::Number {
                    value: 1.0,
                    span: 18..19
                }),
                span: 6..19,
            }
        );
        let Expr::Binary { span, op_span, .. } = cond("(${form.a} + 1) * 2 > 3") else {
            panic!("not binary");
        };
        assert_eq!((span, op_span), (0..23, 20..21));
    }

    #[test]
    fn minus_is_subtraction_or_a_negative_literal() {
        assert_eq!(
            nested("`-1`"),
            Expr::Number {
                value: -1.0,
                span: 1..3
            }
        );
        assert!(matches!(
            nested("`${form.x} - 1`"),
            Expr::Binary {
                op: BinaryOp::Sub,
                ..
            }
        ));
        assert!(matches!(
            nested("`${form.x}-1`"),
            Expr::Binary {
                op: BinaryOp::Sub,
                ..
            }
        ));
        let Expr::Binary { rhs, .. } = nested("`${form.x} * -2.5`") else {
            panic!("not binary");
        };
        assert_eq!(
            *rhs,
            Expr::Number {
                value: -2.5,
                span: 13..17
            }
        );
        assert_eq!(run("`5 - -1`"), json!(6));
        assert_eq!(run("`-7 % 3`"), json!(-1));
    }

    #[test]
    fn concatenation_versus_operators() {
        let Expr::Concat { parts, .. } = nested("`'Hi ' ${form.first_name} ', welcome!'`") else {
            panic!("not a concatenation");
        };
        assert_eq!(parts.len(), 3);
        let Expr::Concat { parts, .. } = nested("`'Split: ' ${data.total} / ${form.people}`")
        else {
            panic!("not a concatenation");
        };
        assert!(matches!(
            parts[1],
            Expr::Binary {
                op: BinaryOp::Div,
                ..
            }
        ));
        assert!(matches!(nested("`${form.x} + 1`"), Expr::Binary { .. }));
        assert!(matches!(nested("`${form.x}`"), Expr::Ref(_)));
        assert!(matches!(
            nested("`'a'\t${form.x}\n'b'`"),
            Expr::Concat { .. }
        ));
    }

    #[test]
    fn spec_examples_parse() {
        for text in [
            "`'Hi ' ${form.first_name} ', welcome!'`",
            "`'You typed ' ${form.qty} ' items'`",
            "`'Total: ' (${data.unit_price} * ${form.qty})`",
            "`'Split: ' ${data.total} / ${form.people}`",
            "`'Odd? ' ((${form.qty} % 2) == 1)`",
            "`${form.age} >= 18`",
            "`${form.first} == ${form.last}`",
            "`!${form.agree}`",
            "`(${form.first} != '') || (${form.last} != '')`",
            "`(${form.age} > 17) && ${screen.START.form.agree}`",
            "`'It\\`s ' ${data.day}`",
            "`'Total: ' (${data.price} + ${data.fee})`",
            "`${form.qty} > 0`",
        ] {
            assert!(
                matches!(classify(text), PropText::Nested(_)),
                "{text}: {:?}",
                classify(text)
            );
        }
        for text in [
            "(${data.vip} && (${form.city} == 'Rome'))",
            "${form.agree} && (${data.age} >= 18)",
            "${screen.FIRST.form.x} != ''",
        ] {
            cond(text);
        }
    }

    #[test]
    fn string_escapes() {
        let string = |text: &str| match cond(text) {
            Expr::Binary { rhs, .. } => match *rhs {
                Expr::String { value, .. } => value,
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        };
        assert_eq!(string(r"${form.a} == 'a\'b\\c'"), r"a'b\c");
        assert_eq!(string(r"${form.a} == 'a\nb'"), r"a\nb");
        assert_eq!(string(r"${form.a} == 'tick\`'"), "tick`");
        assert_eq!(string("${form.a} == 'raw`tick'"), "raw`tick");
        assert_eq!(string("${form.a} == 'héllo ✓'"), "héllo ✓");
        assert_eq!(string("${form.a} == ''"), "");
        assert_eq!(run("`'It\\`s ' ${data.day}`"), json!("It`s Monday"));
    }

    // --- syntax errors ---------------------------------------------------------------------

    #[test]
    fn empty_input() {
        let nested_empty = "empty expression: write an expression between the backticks, e.g. `'Hi ' ${form.name}`";
        assert_eq!(nested_err("``"), err(0..2, nested_empty));
        assert_eq!(nested_err("` \t `"), err(0..5, nested_empty));
        let cond_empty = "empty condition: write a condition such as `${form.agree}`";
        assert_eq!(cond_err(""), err(0..0, cond_empty));
        assert_eq!(cond_err("   "), err(0..3, cond_empty));
        assert_eq!(
            nested_err("${form.a}"),
            err(
                0..9,
                "a nested expression must be wrapped in backticks, e.g. `'Hi ' ${form.name}`"
            )
        );
    }

    #[test]
    fn parenthesis_errors() {
        let empty = "empty parentheses: put an expression inside them or remove them";
        assert_eq!(cond_err("()"), err(0..2, empty));
        assert_eq!(cond_err("${form.a} && ( )"), err(13..16, empty));
        assert_eq!(
            cond_err("(${form.a}"),
            err(0..1, "unclosed parenthesis: add a matching `)`")
        );
        assert_eq!(
            cond_err("((${form.a})"),
            err(0..1, "unclosed parenthesis: add a matching `)`")
        );
        assert_eq!(
            cond_err("${form.a} && ("),
            err(
                13..14,
                "unclosed parenthesis: add an expression and a matching `)`"
            )
        );
        let unmatched = "`)` has no matching `(`; remove it or add a `(` before it";
        assert_eq!(cond_err("${form.a})"), err(9..10, unmatched));
        assert_eq!(cond_err(")"), err(0..1, unmatched));
        assert_eq!(nested_err("`'a' ${form.a})`"), err(14..15, unmatched));
    }

    #[test]
    fn unclosed_strings() {
        let message = "unclosed string: add a closing single quote (')";
        assert_eq!(cond_err("${form.a} == 'abc"), err(13..17, message));
        assert_eq!(cond_err(r"${form.a} == 'abc\'"), err(13..19, message));
        assert_eq!(nested_err("`'abc`"), err(1..5, message));
    }

    #[test]
    fn missing_operators() {
        assert_eq!(
            cond_err("${form.a} ${form.b}"),
            err(
                10..19,
                "missing operator before `${form.b}`: If conditions cannot concatenate values; join them with an operator such as `&&`, `||` or `==`"
            )
        );
        assert_eq!(cond_err("(${form.a} 'x')").span, 11..14,);
        assert_eq!(
            nested_err("`'a' ('b' ${form.x})`"),
            err(
                10..19,
                "missing operator before `${form.x}`: values inside parentheses must be joined by an operator (concatenation with spaces only works outside parentheses)"
            )
        );
        assert_eq!(
            nested_err("`'a'${form.x}`"),
            err(
                4..13,
                "missing space before `${form.x}`: separate concatenated values with a space, or add an operator"
            )
        );
        assert_eq!(
            nested_err("`'It''s'`"),
            err(
                5..8,
                "two strings written without a space between them; to put a quote inside a string write \\', to concatenate add a space before `'s'`"
            )
        );
    }

    #[test]
    fn unknown_operators() {
        let cases: [(&str, Span, &str); 9] = [
            (
                "${form.a} = 'x'",
                10..11,
                "`=` is not an operator; use `==` to compare values",
            ),
            (
                "${form.a} === 'x'",
                10..13,
                "`===` is not an operator; use `==`",
            ),
            (
                "${form.a} !== 'x'",
                10..13,
                "`!==` is not an operator; use `!=`",
            ),
            (
                "${form.a} <> 'x'",
                10..12,
                "`<>` is not an operator; use `!=`",
            ),
            (
                "${form.a} => 1",
                10..12,
                "`=>` is not an operator; use `>=`",
            ),
            (
                "${form.a} =< 1",
                10..12,
                "`=<` is not an operator; use `<=`",
            ),
            (
                "${form.a} & ${form.b}",
                10..11,
                "`&` is not an operator; use `&&`",
            ),
            (
                "${form.a} | ${form.b}",
                10..11,
                "`|` is not an operator; use `||`",
            ),
            (
                "${form.a} &&& ${form.b}",
                10..13,
                "`&&&` is not an operator; use `&&`",
            ),
        ];
        for (text, span, message) in cases {
            assert_eq!(cond_err(text), err(span, message), "{text}");
        }
        assert_eq!(
            cond_err("${form.a} and ${form.b}"),
            err(10..13, "`and` is not an operator; use `&&`")
        );
        assert_eq!(
            cond_err("${form.a} or ${form.b}").message,
            "`or` is not an operator; use `||`"
        );
        assert_eq!(
            cond_err("not ${form.b}").message,
            "`not` is not an operator; use `!`"
        );
    }

    #[test]
    fn misplaced_operators() {
        let nothing =
            |op: &str| format!("`{op}` has nothing after it; add a value after it or remove it");
        assert_eq!(cond_err("${form.a} &&"), err(10..12, &nothing("&&")));
        assert_eq!(cond_err("(${form.a} ||)"), err(11..13, &nothing("||")));
        assert_eq!(cond_err("${form.a} -"), err(10..11, &nothing("-")));
        assert_eq!(cond_err("!"), err(0..1, &nothing("!")));
        assert_eq!(
            cond_err("== 1"),
            err(0..2, "`==` needs a value on its left")
        );
        assert_eq!(
            cond_err("(* 2)"),
            err(1..2, "`*` needs a value on its left")
        );
        assert_eq!(
            cond_err("${form.a} && || ${form.b}"),
            err(13..15, "`||` cannot follow `&&`; put a value between them")
        );
        assert_eq!(
            cond_err("!== 1").message,
            "`!==` is not an operator; use `!=`"
        );
        assert_eq!(
            cond_err("! == 1"),
            err(2..4, "`==` cannot follow `!`; put a value between them")
        );
        assert_eq!(
            cond_err("${form.a} == !${form.b}"),
            err(
                13..14,
                "`!` cannot be used here: only a whole condition can be negated; wrap the negation in parentheses, e.g. `(!${form.agree})`"
            )
        );
        assert_eq!(
            cond_err("1 < ${form.a} < 3"),
            err(
                14..15,
                "comparisons cannot be chained: `<` follows another comparison; group them with parentheses and `&&`, e.g. `(a < b) && (b < c)`"
            )
        );
    }

    #[test]
    fn minus_errors() {
        assert_eq!(
            cond_err("${form.a} == -${form.b}"),
            err(
                13..14,
                "`-` must be followed by a number here (e.g. `-5`); to subtract, put a value before it (`0 - …`)"
            )
        );
        assert_eq!(
            cond_err("${form.a} == - 1"),
            err(
                13..14,
                "remove the space between `-` and the number (write `-5`)"
            )
        );
        assert_eq!(cond_err("${form.a} == -").span, 13..14);
    }

    #[test]
    fn number_errors() {
        let cases: [(&str, Span, &str); 6] = [
            (
                "${form.a} == 007",
                13..16,
                "number `007` has leading zeros; write `7`",
            ),
            (
                "${form.a} == 00.5",
                13..17,
                "number `00.5` has leading zeros; write `0.5`",
            ),
            (
                "${form.a} == 00",
                13..15,
                "number `00` has leading zeros; write `0`",
            ),
            (
                "${form.a} == 1.",
                13..15,
                "`1.` needs digits after the decimal point",
            ),
            (
                "${form.a} == 1e5",
                13..16,
                "invalid number `1e5`: write numbers with digits and an optional decimal point only",
            ),
            (
                "${form.a} == .5",
                13..14,
                "a number needs a digit before the decimal point, e.g. 0.5",
            ),
        ];
        for (text, span, message) in cases {
            assert_eq!(cond_err(text), err(span, message), "{text}");
        }
        let huge = format!("${{form.a}} == {}", "9".repeat(400));
        assert_eq!(cond_err(&huge).span, 13..413);
        let Expr::Binary { rhs, .. } = cond("${form.a} == 0.050") else {
            panic!("not binary");
        };
        assert_eq!(
            *rhs,
            Expr::Number {
                value: 0.05,
                span: 13..18
            }
        );
    }

    #[test]
    fn unexpected_characters_and_words() {
        assert_eq!(
            cond_err("${form.a} # 1"),
            err(10..11, "unexpected character `#`")
        );
        assert_eq!(
            cond_err("${form.a} == é"),
            err(13..15, "unexpected character `é`")
        );
        assert_eq!(
            cond_err("${form.a} == \"x\""),
            err(13..14, "strings are written in single quotes, e.g. 'text'")
        );
        assert_eq!(
            cond_err("foo == 1"),
            err(
                0..3,
                "unknown word `foo`: write text in single quotes ('foo') and values as references (`${data.foo}` or `${form.foo}`)"
            )
        );
        assert_eq!(
            cond_err("data.x.y == 1"),
            err(
                0..8,
                "references must be wrapped in `${…}`: write `${data.x.y}`"
            )
        );
        assert_eq!(
            cond_err("${form.a} == TRUE"),
            err(13..17, "booleans are written in lowercase: `true`")
        );
        assert_eq!(cond_err("$form.a"), err(0..1, "unexpected character `$`"));
        // Non-ASCII whitespace separates tokens like ASCII whitespace.
        assert!(matches!(
            cond("${form.a}\u{a0}==\u{a0}1"),
            Expr::Binary { .. }
        ));
    }

    #[test]
    fn backtick_errors() {
        assert_eq!(
            nested_err("`'It`s'`"),
            err(4..5, "a backtick inside a string must be escaped as \\`")
        );
        assert_eq!(
            nested_err("`${form.a} ` ${form.b}`"),
            err(
                11..12,
                "unescaped backtick inside the expression; write \\` to put a backtick in a string"
            )
        );
        assert_eq!(
            cond_err("`${form.a}`"),
            err(
                0..1,
                "If conditions are written without backticks; remove the backticks"
            )
        );
    }

    #[test]
    fn operators_next_to_concatenation_members_are_rejected() {
        assert_eq!(
            nested_err("`'a' ${form.x} == 'b'`"),
            err(
                15..17,
                "`==` cannot be used next to concatenated values; wrap the comparison in parentheses: `(${form.x} == 'b')`"
            )
        );
        assert_eq!(nested_err("`${form.x} == 'b' 'a'`").span, 11..13);
        assert_eq!(
            nested_err("`'a' !${form.x}`"),
            err(
                5..6,
                "`!` cannot be used next to concatenated values; wrap the negation in parentheses: `(!${form.x})`"
            )
        );
        assert_eq!(
            nested_err("`'a' ${form.x} && ${form.y}`"),
            err(
                15..17,
                "`&&` cannot be used next to concatenated values; wrap the logical expression in parentheses: `(${form.x} && ${form.y})`"
            )
        );
        assert_eq!(nested_err("`(${form.x}) == 'b' 'a'`").span, 13..15);
        assert!(matches!(
            nested("`'a' (${form.x} == 'b')`"),
            Expr::Concat { .. }
        ));
        assert!(matches!(nested("`'a' (!${form.x})`"), Expr::Concat { .. }));
        assert!(matches!(nested("`${form.x} == 'b'`"), Expr::Binary { .. }));
    }

    #[test]
    fn nesting_is_limited() {
        let deep = |n: usize| format!("{}${{form.a}}{}", "(".repeat(n), ")".repeat(n));
        assert!(matches!(cond(&deep(MAX_DEPTH)), Expr::Ref(_)));
        let too_deep =
            "expression is nested too deeply (more than 64 levels); split it into simpler parts";
        assert_eq!(cond_err(&deep(MAX_DEPTH + 1)), err(64..65, too_deep));
        assert_eq!(cond_err(&"(".repeat(100_000)).message, too_deep);
        assert_eq!(cond_err(&"!".repeat(100_000)).message, too_deep);
        let bangs = |n: usize| format!("{}${{form.a}}", "!".repeat(n));
        assert!(parse_condition(&bangs(MAX_DEPTH - 1)).is_ok());
        assert_eq!(cond_err(&bangs(MAX_DEPTH)), err(0..1, too_deep));
        let chain = |n: usize| format!("${{form.a}}{}", " + 1".repeat(n));
        assert!(parse_condition(&chain(MAX_DEPTH - 1)).is_ok());
        assert_eq!(cond_err(&chain(MAX_DEPTH)).message, too_deep);
        assert_eq!(cond_err(&chain(100_000)).message, too_deep);
        let long_concat = format!("`{}`", "'a' ".repeat(10_000));
        assert_eq!(run(&long_concat), json!("a".repeat(10_000)));
    }

    // --- refs and types ----------------------------------------------------------------------

    #[test]
    fn refs_in_source_order() {
        let expr = nested("`'a' ${data.x} (${form.y} + ${screen.S.data.z.w}) (!${form.y})`");
        let found: Vec<String> = refs(&expr).iter().map(|r| r.to_string()).collect();
        assert_eq!(
            found,
            [
                "${data.x}",
                "${form.y}",
                "${screen.S.data.z.w}",
                "${form.y}"
            ]
        );
        assert!(refs(&nested("`'a' 1 true`")).is_empty());
    }

    #[test]
    fn type_of_results() {
        let ty = |text: &str| {
            let expr = if text.starts_with('`') {
                nested(text)
            } else {
                cond(text)
            };
            type_of(&expr, &lookup).unwrap_or_else(|e| panic!("{text}: {e:?}"))
        };
        assert_eq!(ty("${form.age} >= 18"), Type::Boolean);
        assert_eq!(ty("${form.agree}"), Type::Boolean);
        assert_eq!(ty("${form.unknown}"), Type::Unknown);
        assert_eq!(ty("${form.unknown} == 1"), Type::Boolean);
        assert_eq!(ty("${form.unknown} + ${form.unknown}"), Type::Number);
        assert_eq!(ty("!${form.unknown} && ${form.agree}"), Type::Boolean);
        assert_eq!(ty("`'n: ' ${form.age} ${form.agree}`"), Type::String);
        assert_eq!(ty("`${form.age} % 2`"), Type::Number);
        assert_eq!(ty("`-1`"), Type::Number);
        assert_eq!(ty("`${form.name} != ''`"), Type::Boolean);
    }

    #[test]
    fn type_errors() {
        let cases: [(&str, Span, &str); 9] = [
            (
                "${form.name} == 1",
                0..17,
                "`==` compares values of the same type, but the left side is a string and the right side is a number",
            ),
            (
                "${form.agree} != 'yes'",
                0..22,
                "`!=` compares values of the same type, but the left side is a boolean and the right side is a string",
            ),
            (
                "${form.name} < 3",
                0..12,
                "`<` compares numbers, but the left side is a string",
            ),
            (
                "${form.age} && true",
                0..11,
                "`&&` needs booleans on both sides, but the left side is a number",
            ),
            (
                "${form.agree} || 'x'",
                17..20,
                "`||` needs booleans on both sides, but the right side is a string",
            ),
            (
                "!${form.name}",
                1..13,
                "`!` needs a boolean, but its operand is a string",
            ),
            (
                "${form.name} + 1",
                0..12,
                "`+` adds numbers, but the left side is a string; to join text, write the values side by side separated by a space",
            ),
            (
                "${form.age} * 'x'",
                14..17,
                "`*` works on numbers, but the right side is a string",
            ),
            (
                "${form.tags} == 'a'",
                0..12,
                "`==` compares strings, numbers or booleans, but the left side is an array",
            ),
        ];
        for (text, span, message) in cases {
            assert_eq!(type_err(text), err(span, message), "{text}");
        }
        assert_eq!(
            type_err("`'Tags: ' ${form.tags}`"),
            err(
                10..22,
                "An array cannot be concatenated; only strings, numbers and booleans can"
            )
        );
        assert_eq!(
            type_err("`'P: ' ${data.profile}`").message,
            "An object cannot be concatenated; only strings, numbers and booleans can"
        );
        // The innermost error wins.
        assert_eq!(type_err("(${form.name} < 1) && ${form.agree}").span, 1..13);
    }

    #[test]
    fn condition_rules() {
        assert_eq!(
            check("true"),
            Err(err(
                0..4,
                "a condition cannot be a lone literal because it never changes; use a reference such as `${data.show}`"
            ))
        );
        assert_eq!(check("'x'").map_err(|e| e.span), Err(0..3));
        assert_eq!(
            check("1 == 2"),
            Err(err(
                0..6,
                "both sides of `==` are literals, so the result never changes; make one side a reference"
            ))
        );
        assert_eq!(
            check("(1 + 2) == ${form.age}").map_err(|e| e.span),
            Err(1..6)
        );
        assert_eq!(
            check("!true"),
            Err(err(
                0..5,
                "the condition contains no reference, so it never changes; use at least one value such as `${form.x}` or `${data.x}`"
            ))
        );
        assert_eq!(
            check("${form.name}"),
            Err(err(
                0..12,
                "a condition must be a boolean, but `${form.name}` is a string; compare it, e.g. `${form.name} != ''`"
            ))
        );
        assert_eq!(
            check("${form.age}").map_err(|e| e.message),
            Err(
                "a condition must be a boolean, but `${form.age}` is a number; compare it, e.g. `${form.age} > 0`"
                    .into()
            )
        );
        assert_eq!(
            check("${form.age} + 1"),
            Err(err(
                0..15,
                "a condition must be a boolean, but this is a number; use a comparison such as `==` or `<`"
            ))
        );
        assert_eq!(check("${form.name} == 1").map_err(|e| e.span), Err(0..17));
        assert_eq!(check("${form.agree}"), Ok(()));
        assert_eq!(check("${form.unknown}"), Ok(()));
        assert_eq!(check("!${form.agree}"), Ok(()));
        assert_eq!(check("${data.vip} && (${form.city} == 'Rome')"), Ok(()));
        assert_eq!(check("${form.age} >= -1"), Ok(()));
    }

    // --- evaluation and display --------------------------------------------------------------

    #[test]
    fn arithmetic() {
        assert_eq!(run("`${data.total} * 3.6`"), json!(36));
        assert_eq!(
            serde_json::to_string(&run("`${data.total} * 3.6`")).ok(),
            Some("36".into())
        );
        assert_eq!(run("`${data.total} / 4`"), json!(2.5));
        assert_eq!(run("`${data.total} / 0`"), json!(0));
        assert_eq!(run("`${data.total} % 0`"), json!(0));
        assert_eq!(run("`${data.total} / ${form.missing}`"), json!(0));
        assert_eq!(run("`${data.total} % 4`"), json!(2));
        assert_eq!(run("`${form.missing} + 1`"), json!(1));
        assert_eq!(run("`${form.blank} + 1`"), json!(1));
        assert_eq!(run("`${form.qty} * 2`"), json!(6));
        assert_eq!(run("`${form.qty} + ${form.people}`"), json!(7));
        assert_eq!(run("`${form.first} + 1`"), Value::Null);
        assert_eq!(run("`${data.list} + 1`"), Value::Null);
        assert_eq!(run("`0.1 + 0.2`"), json!(0.30000000000000004));
    }

    #[test]
    fn comparisons_and_logic() {
        let cases = [
            ("${form.qty} == 3", true),
            ("${form.qty} == '3.0'", true),
            ("${form.qty} != 3", false),
            ("${form.first} == 'Ann'", true),
            ("${form.first} == ${form.last}", true),
            ("${form.first} == 'ann'", false),
            ("${form.missing} == ''", true),
            ("${form.missing} != ''", false),
            ("${form.missing} == false", true),
            ("${form.missing} == 0", true),
            ("${form.missing} == 'x'", false),
            ("${form.missing} == ${form.other_missing}", true),
            ("${form.agree} == true", true),
            ("${form.age} >= 18", true),
            ("${form.age} < 18", false),
            ("${form.qty} > 2", true),
            ("${form.qty} <= 2.5", false),
            ("${form.missing} < 1", false),
            ("${form.missing} >= 0", false),
            ("${form.first} < 3", false),
            ("${form.first} >= 3", false),
            ("${form.missing} && true", false),
            ("!${form.missing}", true),
            ("!${form.agree}", false),
            ("${form.off} || ${form.agree}", true),
            ("(${form.age} > 17) && ${screen.START.form.agree}", true),
            ("(${form.first} != '') || (${form.last} != '')", true),
        ];
        for (text, expected) in cases {
            assert_eq!(run(text), Value::Bool(expected), "{text}");
        }
    }

    #[test]
    fn logic_short_circuits() {
        let seen = RefCell::new(Vec::new());
        let values = json!({ "form": { "f": false, "t": true, "g": true } });
        let base = resolver(&values);
        let resolve = |r: &Ref| {
            seen.borrow_mut().push(r.to_string());
            base(r)
        };
        assert_eq!(
            eval(&cond("${form.f} && ${form.g}"), &resolve),
            json!(false)
        );
        assert_eq!(eval(&cond("${form.t} || ${form.g}"), &resolve), json!(true));
        assert_eq!(eval(&cond("${form.t} && ${form.g}"), &resolve), json!(true));
        assert_eq!(
            *seen.borrow(),
            ["${form.f}", "${form.t}", "${form.t}", "${form.g}"]
        );
    }

    #[test]
    fn concatenation_values() {
        assert_eq!(
            run("`'Total: ' (${data.unit_price} * ${form.qty})`"),
            json!("Total: 7.5")
        );
        assert_eq!(
            run("`'Split: ' ${data.total} / ${form.people}`"),
            json!("Split: 2.5")
        );
        assert_eq!(
            run("`'You typed ' ${form.qty} ' items'`"),
            json!("You typed 3 items")
        );
        assert_eq!(
            run("`'Odd? ' ((${form.qty} % 2) == 1)`"),
            json!("Odd? true")
        );
        assert_eq!(run("`'Hi ' ${data.profile.name}`"), json!("Hi Bo"));
        assert_eq!(run("`'Hi ' ${data.nothing} '!'`"), json!("Hi !"));
        assert_eq!(
            run("`${form.agree} ' ' ${data.total} ' ' ${data.list} ' ' (-2.50)`"),
            json!(r#"true 10 ["a","b"] -2.5"#)
        );
        // A `-` after a member is subtraction (the grammar is greedy), caught by `type_of`.
        assert_eq!(
            type_err("`'a' -2`"),
            err(1..4, "`-` works on numbers, but the left side is a string")
        );
        assert_eq!(run("`${data.name}`"), json!("Ann"));
    }

    #[test]
    fn display_formats_like_whatsapp() {
        assert_eq!(display(&json!(36.0)), "36");
        assert_eq!(display(&json!(36)), "36");
        assert_eq!(display(&json!(2.5)), "2.5");
        assert_eq!(display(&json!(-0.0)), "0");
        assert_eq!(display(&json!(-3)), "-3");
        assert_eq!(display(&json!(u64::MAX)), "18446744073709551615");
        assert_eq!(display(&json!(1e21)), "1000000000000000000000");
        assert_eq!(display(&json!(true)), "true");
        assert_eq!(display(&json!(false)), "false");
        assert_eq!(display(&Value::Null), "");
        assert_eq!(display(&json!("x y")), "x y");
        assert_eq!(display(&json!(["a", 1])), r#"["a",1]"#);
        assert_eq!(
            display(&json!({"a": 1, "b": [true]})),
            r#"{"a":1,"b":[true]}"#
        );
    }

    // --- robustness --------------------------------------------------------------------------

    /// Deterministic xorshift PRNG; no extra crates.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn assert_spans_valid(text: &str, expr: &Expr) {
        let mut spans = vec![expr.span()];
        match expr {
            Expr::Not { operand, .. } => assert_spans_valid(text, operand),
            Expr::Binary {
                lhs, rhs, op_span, ..
            } => {
                spans.push(op_span.clone());
                assert_spans_valid(text, lhs);
                assert_spans_valid(text, rhs);
            }
            Expr::Concat { parts, .. } => parts.iter().for_each(|p| assert_spans_valid(text, p)),
            _ => {}
        }
        for span in spans {
            assert!(text.get(span.clone()).is_some(), "{text:?} {span:?}");
        }
    }

    #[test]
    fn random_input_never_panics() {
        const PIECES: &[&str] = &[
            "${data.x}",
            "${form.y}",
            "${screen.A.data.z}",
            "${",
            "}",
            "$",
            "data",
            ".",
            "'",
            "'a b'",
            "\\",
            "\\`",
            "`",
            "(",
            ")",
            "=",
            "==",
            "!",
            "!=",
            "<",
            "<=",
            ">",
            ">=",
            "&",
            "&&",
            "|",
            "||",
            "+",
            "-",
            "*",
            "/",
            "%",
            "0",
            "1",
            "007",
            "2.5",
            "1.",
            "true",
            "false",
            " ",
            "  ",
            "\t",
            "é",
            "✓",
            "\u{a0}",
            "screen",
            "form",
            "x",
        ];
        let values = [
            json!(null),
            json!(0),
            json!(2.5),
            json!("3"),
            json!("abc"),
            json!(true),
            json!(["a"]),
            json!({"k": 1}),
        ];
        let types = [
            None,
            Some(Type::String),
            Some(Type::Number),
            Some(Type::Boolean),
            Some(Type::Array),
            Some(Type::Object),
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut parsed = 0;
        for _ in 0..20_000 {
            let len = rng.below(14);
            let body: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
            let wrapped = format!("`{body}`");
            let value = values[rng.below(values.len())].clone();
            let ty = types[rng.below(types.len())];
            let resolve = |_: &Ref| Some(value.clone());
            let lookup = |_: &Ref| ty;
            let _ = classify(&body);
            let _ = parse_binding(&body);
            for (text, result) in [
                (&body, parse_condition(&body)),
                (&wrapped, parse_nested(&wrapped)),
            ] {
                match result {
                    Ok(expr) => {
                        parsed += 1;
                        assert_spans_valid(text, &expr);
                        let _ = refs(&expr);
                        if let Err(e) = type_of(&expr, &lookup) {
                            assert!(text.get(e.span.clone()).is_some(), "{text:?} {e:?}");
                        }
                        if let Err(e) = check_condition(&expr, &lookup) {
                            assert!(text.get(e.span.clone()).is_some(), "{text:?} {e:?}");
                        }
                        let _ = display(&eval(&expr, &resolve));
                    }
                    Err(e) => {
                        assert!(text.get(e.span.clone()).is_some(), "{text:?} {e:?}");
                        assert!(!e.message.is_empty());
                    }
                }
            }
        }
        assert!(parsed > 100, "only {parsed} random inputs parsed");
    }
}
