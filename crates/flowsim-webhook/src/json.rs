//! The bytes of a notification as Meta sends them (flows-api.md §6.1): compact JSON with every
//! non-ASCII character escaped as `\uXXXX` in lowercase hex (`äöå` → `\u00e4\u00f6\u00e5`,
//! characters outside the BMP as a surrogate pair), and `/` written `\/` as Graph's encoder
//! does. Meta signs these exact bytes, so a receiver that hashes a re-serialised object instead
//! of the raw body fails on them.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;
use serde_json::{Serializer, Value};

/// serde_json's compact output (the trait's default methods), with Meta's string escaping. serde_json already escapes
/// `"`, `\` and control characters (lowercase hex); every other character of a string reaches
/// [`Formatter::write_string_fragment`], which escapes what Meta escapes.
struct MetaFormatter;

impl Formatter for MetaFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut plain = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_ascii() && c != '/' {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[plain..i])?;
            plain = i + c.len_utf8();
            if c == '/' {
                writer.write_all(b"\\/")?;
                continue;
            }
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
        }
        writer.write_all(&fragment.as_bytes()[plain..])
    }
}

/// The body Meta would send for `value`: ASCII only, every byte of it signed.
pub fn meta_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut serializer = Serializer::with_formatter(&mut out, MetaFormatter);
    value
        .serialize(&mut serializer)
        .expect("a JSON value always serialises into memory");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(v: &Value) -> String {
        String::from_utf8(meta_bytes(v)).unwrap()
    }

    #[test]
    fn escapes_non_ascii_in_lowercase_hex_as_meta_documents() {
        assert_eq!(text(&json!("äöå")), r#""\u00e4\u00f6\u00e5""#);
    }

    #[test]
    fn writes_characters_outside_the_bmp_as_surrogate_pairs() {
        assert_eq!(text(&json!("🎉 ok")), r#""\ud83c\udf89 ok""#);
    }

    #[test]
    fn escapes_slashes_and_keys_too() {
        assert_eq!(
            text(&json!({ "ñ/a": "https://x.y/z" })),
            r#"{"\u00f1\/a":"https:\/\/x.y\/z"}"#
        );
    }

    #[test]
    fn keeps_serde_escapes_and_is_compact_and_ascii() {
        let v = json!({ "a": "line\n\"q\" \\ \u{1}", "n": [1, 14.28, true, null] });
        let s = text(&v);
        assert_eq!(
            s,
            r#"{"a":"line\n\"q\" \\ \u0001","n":[1,14.28,true,null]}"#
        );
        assert!(s.is_ascii());
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn a_string_of_json_inside_is_escaped_once_more() {
        let inner = json!({ "name": "Zoë" }).to_string();
        let s = text(&json!({ "response_json": inner }));
        assert_eq!(s, r#"{"response_json":"{\"name\":\"Zo\u00eb\"}"}"#);
    }
}
