//! The fast path of [`super::parse`]: strict JSON straight from the bytes into [`Node`]s,
//! without the intermediate AST.
//!
//! It accepts a subset of what `jsonc-parser` accepts in strict mode and, for that subset,
//! builds exactly the tree [`super::convert`] builds from `jsonc-parser`'s AST: the same
//! values, spans and key spans. Anything else — every syntax error, but also rarer valid
//! input such as deep nesting or a number `serde_json` cannot represent — makes it give up
//! (`None`), and the caller parses the text again with `jsonc-parser`, whose answer (and
//! error message) stands. A property test checks the two agree.

use compact_str::CompactString;

use super::{Member, Node, Value};

/// Containers nested deeper than this are left to `jsonc-parser` (whose limit is higher: it
/// counts an object and its property as two levels, and refuses past 512).
const MAX_DEPTH: usize = 128;

/// The tree for `text`, or `None` when `jsonc-parser` must decide.
pub(super) fn parse(text: &str) -> Option<Node> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        members: Vec::new(),
        items: Vec::new(),
    };
    let root = p.value()?;
    p.skip_whitespace();
    (p.pos == p.bytes.len()).then_some(root)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    /// Members of the objects being parsed, innermost last; each object takes its own off
    /// the end when it closes, into a vector of exactly the right size.
    members: Vec<Member>,
    /// The same for the items of arrays.
    items: Vec<Node>,
}

impl Parser<'_> {
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.bytes.get(self.pos).copied()
    }

    fn value(&mut self) -> Option<Node> {
        match self.peek()? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => {
                let (s, span) = self.string()?;
                Some(Node::new(span, Value::String(s)))
            }
            b't' => self.word(b"true", Value::Bool(true)),
            b'f' => self.word(b"false", Value::Bool(false)),
            b'n' => self.word(b"null", Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn word(&mut self, word: &[u8], value: Value) -> Option<Node> {
        let start = self.pos;
        self.bytes[start..].starts_with(word).then_some(())?;
        self.pos += word.len();
        Some(Node::new(start..self.pos, value))
    }

    /// A number as RFC 8259 writes it, converted as `convert` converts it.
    fn number(&mut self) -> Option<Node> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while let Some(b'0'..=b'9') = p.bytes.get(p.pos) {
                p.pos += 1;
            }
            p.pos > from
        };
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        match self.bytes.get(self.pos)? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                digits(self);
            }
            _ => return None,
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            digits(self).then_some(())?;
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            digits(self).then_some(())?;
        }
        let number = self.text[start..self.pos].parse().ok()?;
        Some(Node::new(start..self.pos, Value::Number(number)))
    }

    /// A string at the current `"`: its value and its span, quotes included. Control
    /// characters are kept as they are, as `jsonc-parser` keeps them; escapes other than
    /// JSON's, and unpaired surrogates, give up.
    fn string(&mut self) -> Option<(CompactString, std::ops::Range<usize>)> {
        let start = self.pos;
        let mut from = start + 1;
        let mut end = from + memchr::memchr2(b'"', b'\\', &self.bytes[from..])?;
        if self.bytes[end] == b'"' {
            self.pos = end + 1;
            return Some((self.text[from..end].into(), start..self.pos));
        }
        let mut value = CompactString::default();
        loop {
            value.push_str(&self.text[from..end]);
            if self.bytes[end] == b'"' {
                self.pos = end + 1;
                return Some((value, start..self.pos));
            }
            // A backslash: one escape.
            let escape = *self.bytes.get(end + 1)?;
            from = end + 2;
            value.push(match escape {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{08}',
                b'f' => '\u{0C}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let high = self.hex4(from)?;
                    from += 4;
                    match high {
                        0xD800..=0xDBFF => {
                            (self.bytes.get(from..from + 2)? == b"\\u").then_some(())?;
                            let low = self.hex4(from + 2)?;
                            (0xDC00..=0xDFFF).contains(&low).then_some(())?;
                            from += 6;
                            char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?
                        }
                        _ => char::from_u32(high)?,
                    }
                }
                _ => return None,
            });
            end = from + memchr::memchr2(b'"', b'\\', self.bytes.get(from..)?)?;
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes.get(at..at + 4)?;
        digits
            .iter()
            .try_fold(0, |n, &d| Some(n * 16 + char::from(d).to_digit(16)?))
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        self.pos += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn object(&mut self) -> Option<Node> {
        let start = self.pos;
        self.enter()?;
        let first = self.members.len();
        if self.peek()? != b'}' {
            loop {
                if self.peek()? != b'"' {
                    return None;
                }
                let (key, key_span) = self.string()?;
                if self.peek()? != b':' {
                    return None;
                }
                self.pos += 1;
                let value = self.value()?;
                self.members.push(Member::new(key, key_span, value));
                match self.peek()? {
                    b',' => self.pos += 1,
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        let mut members = Vec::with_capacity(self.members.len() - first);
        members.extend(self.members.drain(first..));
        Some(Node::new(start..self.pos, Value::Object(members.into())))
    }

    fn array(&mut self) -> Option<Node> {
        let start = self.pos;
        self.enter()?;
        let first = self.items.len();
        if self.peek()? != b']' {
            loop {
                let item = self.value()?;
                self.items.push(item);
                match self.peek()? {
                    b',' => self.pos += 1,
                    b']' => break,
                    _ => return None,
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        let mut items = Vec::with_capacity(self.items.len() - first);
        items.extend(self.items.drain(first..));
        Some(Node::new(start..self.pos, Value::Array(items.into())))
    }
}
