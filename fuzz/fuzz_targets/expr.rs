//! Arbitrary text → the expression language: classification, both parsers, the type checker,
//! evaluation against assorted runtime values, and display of the results.

#![no_main]

use flowsim_core::flow::expr::{self, Expr, PropText, Ref, Type};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

/// Runtime values a reference may hold, including the awkward ones.
fn values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(-0.0),
        json!(1e308),
        json!(-1e308),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(""),
        json!(" "),
        json!("abc"),
        json!("12"),
        json!(" 3 "),
        json!("1e400"),
        json!("NaN"),
        json!("inf"),
        json!("-0"),
        json!("\u{1b}[31m\u{202e}"),
        json!([]),
        json!([1, "a"]),
        json!({}),
        json!({"a": {"b": 1}}),
    ]
}

const TYPES: [Type; 6] = [
    Type::String,
    Type::Number,
    Type::Boolean,
    Type::Array,
    Type::Object,
    Type::Unknown,
];

fn hash(r: &Ref, salt: u64) -> u64 {
    // FNV-1a over the reference's text: deterministic, so a crash reproduces.
    r.to_string()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325 ^ salt, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
}

fn exercise(expr: &Expr, salt: u64) {
    let values = values();
    let _ = expr::refs(expr);
    let _ = expr.span();
    let lookup = |r: &Ref| {
        let h = hash(r, salt);
        (!h.is_multiple_of(7)).then(|| TYPES[(h % 6) as usize])
    };
    let _ = expr::type_of(expr, &lookup);
    let _ = expr::check_condition(expr, &lookup);
    let resolve = |r: &Ref| {
        let h = hash(r, salt);
        (!h.is_multiple_of(11)).then(|| values[(h as usize / 11) % values.len()].clone())
    };
    let value = expr::eval(expr, &resolve);
    let _ = expr::display(&value);
    // Nothing resolves: every reference is unset.
    let _ = expr::display(&expr::eval(expr, &|_| None));
}

fuzz_target!(|data: &[u8]| {
    let Some((&salt, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let salt = u64::from(salt);
    match expr::classify(&text) {
        PropText::Nested(e) => exercise(&e, salt),
        PropText::Binding(r) => {
            let _ = r.to_string();
        }
        PropText::Literal | PropText::Invalid(_) => {}
    }
    let _ = expr::parse_binding(&text);
    if let Ok(e) = expr::parse_nested(&text) {
        exercise(&e, salt);
    }
    if let Ok(e) = expr::parse_nested(&format!("`{text}`")) {
        exercise(&e, salt);
    }
    match expr::parse_condition(&text) {
        Ok(e) => exercise(&e, salt),
        Err(err) => {
            // Error spans point into the text.
            assert!(err.span.start <= err.span.end, "{err:?}");
            assert!(err.span.end <= text.len(), "{err:?}");
        }
    }
});
