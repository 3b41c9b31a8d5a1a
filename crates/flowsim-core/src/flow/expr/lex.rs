//! The lexer: splits expression text into tokens (references, strings, numbers, operators),
//! with the errors that explain a malformed token.

use super::{BinaryOp, ExprError, Ref, Scope, Span, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Inside backticks: concatenation allowed, raw backticks forbidden.
    Nested,
    /// `If.condition`: no concatenation, no backticks.
    Condition,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum TokKind {
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
    pub(super) fn starts_operand(&self) -> bool {
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

    pub(super) fn is_operator(&self) -> bool {
        matches!(self, TokKind::Op(_) | TokKind::Bang)
    }
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) kind: TokKind,
    pub(super) span: Span,
    /// Whitespace directly precedes this token.
    pub(super) space_before: bool,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits `src[range]` into tokens whose spans are relative to `src`.
pub(super) fn tokenize(src: &str, range: Span, mode: Mode) -> Result<Vec<Token>, ExprError> {
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
pub(super) fn lex_ref(src: &str, start: usize, end: usize) -> Result<(Ref, usize), ExprError> {
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
