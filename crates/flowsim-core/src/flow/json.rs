//! A JSON tree that remembers where every value came from.
//!
//! Parsing is done by `jsonc-parser` in strict JSON mode (no comments, trailing commas,
//! single quotes or other JSON5 extensions), then the borrowed AST is converted once into
//! the owned [`Node`] tree used by the model, the validator and the engine. Every node keeps
//! its byte span, and every object member the span of its key, so diagnostics can point at
//! either.

use std::ops::Range;

use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions};

/// Byte range into the source text.
pub type Span = Range<usize>;

/// A JSON value with its source span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// One `"key": value` pair of an object, in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// A JSON syntax error.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// Parses strict JSON text into a [`Node`] tree.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
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
        ast::Value::StringLit(s) => Node {
            span: s.range.start..s.range.end,
            value: Value::String(s.value.into_owned()),
        },
        ast::Value::NumberLit(n) => {
            let span = n.range.start..n.range.end;
            let number = n
                .value
                .parse::<serde_json::Number>()
                .map_err(|_| SyntaxError {
                    span: span.clone(),
                    message: format!("`{}` is not a number JSON can represent", n.value),
                })?;
            Node {
                span,
                value: Value::Number(number),
            }
        }
        ast::Value::BooleanLit(b) => Node {
            span: b.range.start..b.range.end,
            value: Value::Bool(b.value),
        },
        ast::Value::NullKeyword(n) => Node {
            span: n.range.start..n.range.end,
            value: Value::Null,
        },
        ast::Value::Array(a) => Node {
            span: a.range.start..a.range.end,
            value: Value::Array(
                a.elements
                    .into_iter()
                    .map(convert)
                    .collect::<Result<_, _>>()?,
            ),
        },
        ast::Value::Object(o) => {
            let span = o.range.start..o.range.end;
            let mut members = Vec::with_capacity(o.properties.len());
            for prop in o.properties {
                let (key, key_span) = match prop.name {
                    ast::ObjectPropName::String(s) => {
                        (s.value.into_owned(), s.range.start..s.range.end)
                    }
                    ast::ObjectPropName::Word(w) => {
                        (w.value.to_string(), w.range.start..w.range.end)
                    }
                };
                members.push(Member {
                    key,
                    key_span,
                    value: convert(prop.value)?,
                });
            }
            Node {
                span,
                value: Value::Object(members),
            }
        }
    })
}

impl Node {
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
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Object(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|m| (m.key.clone(), m.value.to_json()))
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
        assert_eq!(&text[a.key_span.clone()], "\"a\"");
        assert_eq!(&text[a.value.span.clone()], "[1, \"x\"]");
        assert_eq!(&text[a.value.items()[1].span.clone()], "\"x\"");
        assert_eq!(node.get("b").unwrap().as_bool(), Some(true));
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

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        assert!(parse(&text).is_err());
    }
}
