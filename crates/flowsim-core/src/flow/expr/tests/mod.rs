//! Tests of the expression language: shared helpers and the robustness checks here, the rest
//! by stage.

use super::*;
use serde_json::{Value, json};
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

mod check;
mod eval;
mod parse;

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
