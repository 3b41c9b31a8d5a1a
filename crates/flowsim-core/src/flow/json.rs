//! A JSON tree that remembers where every value came from.
//!
//! The rules are `jsonc-parser`'s in strict JSON mode (no comments, trailing commas, single
//! quotes or other JSON5 extensions), and the result is the owned [`Node`] tree used by the
//! model, the validator and the engine. Every node keeps its byte span, and every object
//! member the span of its key, so diagnostics can point at either.
//!
//! Well-formed JSON, nearly all there is, is read by `direct` straight into that tree;
//! anything else goes through `jsonc-parser`'s AST, converted once, which decides what is
//! wrong and says so.

use std::ops::Range;

use compact_str::CompactString;
use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions};

mod direct;

/// Byte range into the source text.
pub type Span = Range<usize>;

/// A [`Span`] as the tree stores it: two `u32` offsets, 8 bytes rather than 16, which
/// makes a [`Node`] 32 bytes and a [`Member`] 64 — on a large flow the tree is most of the
/// heap. Only [`Node`] and [`Member`] hold one; everything else sees a [`Span`].
#[derive(Clone, Copy, PartialEq, Eq)]
struct Offsets {
    start: u32,
    end: u32,
}

impl Offsets {
    /// Offsets past `u32::MAX` saturate. The offsets are byte offsets into the text parsed,
    /// and the texts flowsim parses are flow files read by its loader, which refuses any
    /// over [`MAX_FLOW_BYTES`](crate::validate::MAX_FLOW_BYTES) (10 MiB) before reading it
    /// whole, or small bundled samples: every offset fits in a `u32` with room to spare.
    /// Should a text past 4 GiB ever be parsed anyway, its late spans would point at byte
    /// 4 GiB: wrong, but still an in-bounds range with `start <= end` (both ends are
    /// clipped alike), never a panic or a wrapped, out-of-order offset.
    fn new(span: Span) -> Self {
        let clip = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Offsets {
            start: clip(span.start),
            end: clip(span.end),
        }
    }

    fn get(self) -> Span {
        // u32 to usize is lossless on every target flowsim builds for (32 and 64 bits).
        self.start as usize..self.end as usize
    }
}

/// Shown as the [`Span`] it stands for, `start..end`.
impl std::fmt::Debug for Offsets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// A JSON value with its source span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    span: Offsets,
    pub value: Value,
}

// The sizes the compact spans are for; a change here shows on the heap of every large flow.
const _: () = assert!(std::mem::size_of::<Node>() == 32);
const _: () = assert!(std::mem::size_of::<Member>() == 64);

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    /// Strings of up to 24 bytes, nearly all of a flow's, are kept inline.
    String(CompactString),
    /// Boxed slices rather than vectors: a value then takes 24 bytes, not 32.
    Array(Box<[Node]>),
    Object(Box<[Member]>),
}

/// One `"key": value` pair of an object, in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: CompactString,
    key_span: Offsets,
    pub value: Node,
}

impl Member {
    /// A member whose key, quotes included, is at `key_span`. Spans are stored as `u32`
    /// offsets: any past 4 GiB, beyond what flowsim reads, are clipped there.
    pub fn new(key: CompactString, key_span: Span, value: Node) -> Self {
        Member {
            key,
            key_span: Offsets::new(key_span),
            value,
        }
    }

    /// The span of the key, quotes included.
    pub fn key_span(&self) -> Span {
        self.key_span.get()
    }
}

/// A JSON syntax error.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// Parses strict JSON text into a [`Node`] tree.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    direct::parse(text).map_or_else(|| parse_with_ast(text), Ok)
}

/// [`parse`] by `jsonc-parser`'s AST: the reference, and the messages for broken JSON.
fn parse_with_ast(text: &str) -> Result<Node, SyntaxError> {
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
            let range = e.range();
            SyntaxError {
                span: range.start..range.end.max(range.start),
                message: e.kind().to_string(),
            }
        })?;
    match parsed.value {
        Some(value) => convert(value),
        None => Err(SyntaxError {
            span: text.len()..text.len(),
            message: "the file is empty: a Flow JSON document is one JSON object".into(),
        }),
    }
}

fn convert(value: ast::Value<'_>) -> Result<Node, SyntaxError> {
    Ok(match value {
        ast::Value::StringLit(s) => Node::new(
            s.range.start..s.range.end,
            Value::String(s.value.as_ref().into()),
        ),
        ast::Value::NumberLit(n) => {
            let span = n.range.start..n.range.end;
            let number = n
                .value
                .parse::<serde_json::Number>()
                .map_err(|_| SyntaxError {
                    span: span.clone(),
                    message: format!("`{}` is not a number JSON can represent", n.value),
                })?;
            Node::new(span, Value::Number(number))
        }
        ast::Value::BooleanLit(b) => Node::new(b.range.start..b.range.end, Value::Bool(b.value)),
        ast::Value::NullKeyword(n) => Node::new(n.range.start..n.range.end, Value::Null),
        ast::Value::Array(a) => Node::new(
            a.range.start..a.range.end,
            Value::Array(
                a.elements
                    .into_iter()
                    .map(convert)
                    .collect::<Result<_, _>>()?,
            ),
        ),
        ast::Value::Object(o) => {
            let span = o.range.start..o.range.end;
            let mut members = Vec::with_capacity(o.properties.len());
            for prop in o.properties {
                let (key, key_span) = match prop.name {
                    ast::ObjectPropName::String(s) => {
                        (s.value.as_ref().into(), s.range.start..s.range.end)
                    }
                    ast::ObjectPropName::Word(w) => (w.value.into(), w.range.start..w.range.end),
                };
                members.push(Member::new(key, key_span, convert(prop.value)?));
            }
            Node::new(span, Value::Object(members.into()))
        }
    })
}

impl Node {
    /// A node for `value` found at `span`. Spans are stored as `u32` offsets: any past
    /// 4 GiB, beyond what flowsim reads, are clipped there.
    pub fn new(span: Span, value: Value) -> Self {
        Node {
            span: Offsets::new(span),
            value,
        }
    }

    /// The byte range of the value in the source text.
    pub fn span(&self) -> Span {
        self.span.get()
    }

    /// The member `key` of an object node (the first one, if the key is repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    /// The member `key` of an object node, with its key span.
    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.value {
            Value::Object(members) => members.iter().find(|m| m.key == key),
            _ => None,
        }
    }

    pub fn members(&self) -> &[Member] {
        match &self.value {
            Value::Object(members) => members,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.value, Value::Object(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self.value, Value::Array(_))
    }

    /// The JSON type name used in messages ("string", "object", ...).
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Converts to a plain `serde_json::Value`, dropping spans.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Object(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|m| (m.key.to_string(), m.value.to_json()))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_values_and_keys() {
        let text = r#"{ "a": [1, "x"], "b": true }"#;
        let node = parse(text).unwrap();
        let a = node.member("a").unwrap();
        assert_eq!(&text[a.key_span()], "\"a\"");
        assert_eq!(&text[a.value.span()], "[1, \"x\"]");
        assert_eq!(&text[a.value.items()[1].span()], "\"x\"");
        assert_eq!(node.get("b").unwrap().as_bool(), Some(true));
    }

    #[test]
    fn stored_spans_read_back_as_given_and_saturate_past_u32() {
        let node = Node::new(3..17, Value::Null);
        assert_eq!(node.span(), 3..17);
        assert_eq!(format!("{node:?}"), "Node { span: 3..17, value: Null }");
        let member = Member::new("k".into(), 1..4, node);
        assert_eq!(member.key_span(), 1..4);
        #[cfg(target_pointer_width = "64")]
        {
            let far = u32::MAX as usize + 10;
            assert_eq!(Node::new(5..far, Value::Null).span(), 5..u32::MAX as usize);
            let clipped = Node::new(far..far + 1, Value::Null).span();
            assert_eq!(clipped, u32::MAX as usize..u32::MAX as usize);
        }
    }

    #[test]
    fn rejects_json5_extensions() {
        for bad in [
            r#"{"a":1,}"#,
            "{'a':1}",
            "{a:1}",
            "// c\n{}",
            "[0x1]",
            "[+1]",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn reports_the_position_of_a_syntax_error() {
        let text = "{\n  \"a\": 1,\n}";
        let err = parse(text).unwrap_err();
        assert_eq!(&text[err.span.start..err.span.start + 1], ",");
    }

    #[test]
    fn empty_text_is_an_error() {
        assert!(parse("   ").unwrap_err().message.contains("empty"));
    }

    /// The fast path either gives up or builds exactly what the AST path builds.
    fn agrees(text: &str) {
        if let Some(direct) = direct::parse(text) {
            assert_eq!(Ok(direct), parse_with_ast(text), "{text:?}");
        }
    }

    #[test]
    fn the_fast_path_reads_every_bundled_and_test_flow_as_the_ast_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut dirs = vec![root.join("sample-flows")];
        let mut read = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().map(Result::unwrap) {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    agrees(&text);
                    read += usize::from(direct::parse(&text).is_some());
                }
            }
            if dir.ends_with("sample-flows") {
                dirs.push(root.join("tests/fixtures"));
            }
        }
        assert!(read > 100, "{read} files read by the fast path");
    }

    #[test]
    fn the_fast_path_gives_up_where_the_ast_path_decides() {
        for text in [
            "",
            " ",
            r#"{"a":1,}"#,
            "[1,]",
            "[01]",
            "[1.]",
            "[.5]",
            "[-]",
            "[1e]",
            "[+1]",
            "[1e400]",
            "[truex]",
            "[true_]",
            "{\"a\" 1}",
            "{a:1}",
            "[1] [2]",
            "\u{feff}[]",
            "[\"\\x41\"]",
            "[\"\\'\"]",
            "[\"\\ud800\"]",
            "[\"\\udc00\"]",
            "[\"\\ud800\\u0041\"]",
            "[\"open",
            "[\u{0b}1]",
            "// c\n[]",
        ] {
            assert_eq!(direct::parse(text), None, "{text:?}");
            agrees(text);
        }
        let deep = format!("{}{}", "[".repeat(129), "]".repeat(129));
        assert_eq!(direct::parse(&deep), None);
        assert!(parse(&deep).is_ok(), "jsonc-parser reads 129 levels");
    }

    #[test]
    fn the_fast_path_reads_escapes_and_raw_control_characters_as_the_ast_does() {
        for text in [
            r#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\uD83D\uDE00x", "é\u0041"]"#,
            "[\"tab\tand\nnewline\u{1}\"]",
            r#"{"k\u0065y": {"": [true, false, null, -0, 0.5e+3, 12E-2, 18446744073709551616]}}"#,
            " \r\n\t{ } ",
        ] {
            assert!(direct::parse(text).is_some(), "{text:?}");
            agrees(text);
        }
    }

    /// JSON text with any whitespace and a few corruptions, from the characters that matter.
    fn json_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            4 => Just("{".to_string()),
            4 => Just("}".to_string()),
            4 => Just("[".to_string()),
            4 => Just("]".to_string()),
            6 => Just(",".to_string()),
            4 => Just(":".to_string()),
            2 => prop_oneof![Just(" "), Just("\n"), Just("\t"), Just("\r\n"), Just("\u{0b}"), Just("\u{a0}")]
                .prop_map(str::to_string),
            2 => prop_oneof![Just("true"), Just("false"), Just("null"), Just("tru"), Just("nul")]
                .prop_map(str::to_string),
            4 => "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{0,3})?([eE][+-]?[0-9]{0,4})?",
            6 => "\"([a-zé €\\\\\"/bfnrtu0-9A-Fa-fDd\u{1}\n'x]|\\\\u[dD][89aAbBcCdDeEfF][0-9a-fA-F]{2}){0,12}\"?",
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|p| p.concat())
    }

    /// Well-formed documents, written compactly or pretty, from `serde_json` values.
    fn json_document() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(serde_json::Value::from),
            any::<String>().prop_map(serde_json::Value::String),
        ];
        let value = leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
                proptest::collection::vec((any::<String>(), inner), 0..8)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        });
        (value, any::<bool>()).prop_map(|(v, pretty)| {
            if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                v.to_string()
            }
        })
    }

    /// Well-formed documents with a few pieces inserted, removed or replaced.
    fn damaged_document() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let edit = (any::<proptest::sample::Index>(), 0..3usize, json_text());
        (json_document(), proptest::collection::vec(edit, 1..4)).prop_map(|(mut text, edits)| {
            for (at, how, piece) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                match how {
                    0 => text.insert_str(i, &piece),
                    1 => {
                        let end = text[i..].chars().next().map_or(i, |c| i + c.len_utf8());
                        text.replace_range(i..end, "");
                    }
                    _ => {
                        let end = text[i..].chars().next().map_or(i, |c| i + c.len_utf8());
                        text.replace_range(i..end, &piece);
                    }
                }
            }
            text
        })
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_agrees_on_fragments(text in json_text()) {
            agrees(&text);
        }

        #[test]
        fn the_fast_path_agrees_on_damaged_documents(text in damaged_document()) {
            agrees(&text);
        }

        #[test]
        fn the_fast_path_reads_documents_as_the_ast_does(text in json_document()) {
            proptest::prop_assert!(direct::parse(&text).is_some(), "{text:?}");
            agrees(&text);
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        assert!(parse(&text).is_err());
    }
}
