//! The validator never panics, whatever it is fed: random bytes, damaged sample flows and
//! random JSON documents built from Flow JSON's own vocabulary. The findings are also
//! rendered in every report format, since a span that is fine for the validator can still
//! trip a reporter (a span ending inside a multi-byte character did).
//!
//! Case counts are kept modest so the suite stays fast on a small machine; raise them with
//! `PROPTEST_CASES=5000 cargo test --test robustness` for a longer run.

use std::path::Path;
use std::sync::OnceLock;

use flowsim::report::{self, Format};
use flowsim_core::flow::source::Source;
use flowsim_core::flow::spec::COMPONENTS;
use flowsim_core::validate::check;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Map, Value};

/// Validates a text and renders the findings in every format.
fn exercise(text: String) {
    let source = Source::new("x.json", text);
    let checked = check(&source);
    for format in [Format::Human, Format::Json, Format::Github] {
        let _ = report::render(format, &source, &checked.diagnostics, false);
    }
    let _ = report::render(Format::Human, &source, &checked.diagnostics, true);
}

/// The sample flows, as bytes.
fn samples() -> &'static [Vec<u8>] {
    static SAMPLES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-flows");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("sample-flows/")
            .map(|e| e.expect("entry").path())
            // Flows only: `name.json`, not `name.test.json` or `name.mock.json`.
            .filter(|p| {
                p.extension().is_some_and(|e| e == "json")
                    && p.file_stem()
                        .is_some_and(|s| !s.to_string_lossy().contains('.'))
            })
            .collect();
        paths.sort();
        let samples: Vec<Vec<u8>> = paths
            .iter()
            .map(|p| std::fs::read(p).expect("sample"))
            .collect();
        assert!(!samples.is_empty());
        samples
    })
}

/// One way of damaging a file.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(Index),
    Delete(Index, usize),
    Duplicate(Index, usize),
    Replace(Index, u8),
    Insert(Index, &'static str),
}

/// Fragments that are likely to change how a flow is read.
const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "\\",
    "null",
    "true",
    "-1",
    "1e999",
    "\"\"",
    "${",
    "`",
    "${data.",
    "${form.",
    "${screen.",
    "é",
    "😀",
    "\u{feff}",
    "\n",
    "\r\n",
    "\t",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<Index>(), 1usize..256).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (any::<Index>(), select(FRAGMENTS)).prop_map(|(i, s)| Mutation::Insert(i, s)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let len = bytes.len();
    match m {
        Mutation::Truncate(i) => bytes.truncate(i.index(len)),
        Mutation::Delete(i, n) => {
            let at = i.index(len);
            bytes.drain(at..(at + n).min(len));
        }
        Mutation::Duplicate(i, n) => {
            let at = i.index(len);
            let copy = bytes[at..(at + n).min(len)].to_vec();
            bytes.splice(at..at, copy);
        }
        Mutation::Replace(i, b) => bytes[i.index(len)] = *b,
        Mutation::Insert(i, s) => {
            let at = i.index(len);
            bytes.splice(at..at, s.bytes());
        }
    }
}

// --- random Flow-like JSON ---------------------------------------------------------------

const KEYS: &[&str] = &[
    "version",
    "screens",
    "data_api_version",
    "routing_model",
    "data_channel_uri",
    "id",
    "title",
    "terminal",
    "success",
    "refresh_on_back",
    "data",
    "sensitive",
    "layout",
    "type",
    "children",
    "text",
    "name",
    "label",
    "required",
    "visible",
    "enabled",
    "init-value",
    "init-values",
    "error-message",
    "error-messages",
    "helper-text",
    "input-type",
    "pattern",
    "min-chars",
    "max-chars",
    "data-source",
    "list-items",
    "main-content",
    "badge",
    "mode",
    "min-date",
    "max-date",
    "unavailable-dates",
    "min-days",
    "max-days",
    "condition",
    "then",
    "else",
    "value",
    "cases",
    "on-click-action",
    "on-select-action",
    "on-unselect-action",
    "next",
    "payload",
    "url",
    "left-caption",
    "center-caption",
    "right-caption",
    "markdown",
    "images",
    "src",
    "properties",
    "items",
    "__example__",
];

const VERSIONS: &[&str] = &[
    "7.3", "7.1", "6.2", "6.0", "5.0", "3.1", "2.1", "1.0", "9.9",
];

const STRINGS: &[&str] = &[
    "3.0",
    "4.0",
    "",
    "   ",
    "FIRST",
    "SECOND",
    "SUCCESS",
    "screen",
    "SingleColumnLayout",
    "TextBody",
    "Footer",
    "Form",
    "navigate",
    "complete",
    "data_exchange",
    "update_data",
    "open_url",
    "string",
    "number",
    "boolean",
    "object",
    "array",
    "range",
    "2027-01-31",
    "1798761600000",
    "https://example.com",
    "^[0-9]{5}$",
    "[",
    "${data.x}",
    "${data.x.y}",
    "${form.x}",
    "${screen.FIRST.data.x}",
    "${screen.SECOND.form.x}",
    "${screen.NOPE.form.x}",
    "Hello ${data.x}",
    "`'Hi ' ${form.x}`",
    "`${data.x} + 1`",
    "`(${form.x} > 1) && ${data.x}`",
    "`'unclosed`",
    "${form.x} == 'a'",
    "(${data.x}",
    "`",
    "${",
    "é😀\u{0}",
];

/// Every component type flowsim knows, plus a typo.
fn component_name() -> impl Strategy<Value = &'static str> {
    let mut names: Vec<&'static str> = COMPONENTS.iter().map(|c| c.name).collect();
    names.push("TextBdy");
    select(names)
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => select(STRINGS).prop_map(|s| Value::String(s.to_string())),
        1 => select(VERSIONS).prop_map(|s| Value::String(s.to_string())),
        1 => component_name().prop_map(|s| Value::String(s.to_string())),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => (-3i64..100).prop_map(Value::from),
        1 => any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        1 => Just(Value::Null),
        1 => "\\PC{0,12}".prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((select(KEYS), inner), 0..8).prop_map(|members| {
                Value::Object(
                    members
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// A component-shaped object: a known `type` plus random properties.
fn component() -> impl Strategy<Value = Value> {
    (
        component_name(),
        prop::collection::vec((select(KEYS), json_value()), 0..6),
    )
        .prop_map(|(ty, props)| {
            let mut map = Map::new();
            map.insert("type".into(), Value::String(ty.to_string()));
            for (k, v) in props {
                map.insert(k.to_string(), v);
            }
            Value::Object(map)
        })
}

/// A document with the outline of a flow, so that the deeper rules get to run.
fn flow_like() -> impl Strategy<Value = Value> {
    let screen = (
        select(&["FIRST", "SECOND", "THIRD", "SUCCESS", "bad id"][..]),
        any::<bool>(),
        prop::collection::vec(component(), 0..6),
        prop::option::of(json_value()),
    )
        .prop_map(|(id, terminal, children, data)| {
            let mut s = serde_json::json!({
                "id": id,
                "title": "T",
                "terminal": terminal,
                "layout": { "type": "SingleColumnLayout", "children": children },
            });
            if let Some(data) = data {
                s["data"] = data;
            }
            s
        });
    (
        select(VERSIONS),
        prop::collection::vec(screen, 0..4),
        prop::option::of(json_value()),
    )
        .prop_map(|(version, screens, routing)| {
            let mut f = serde_json::json!({ "version": version, "screens": screens });
            if let Some(routing) = routing {
                f["data_api_version"] = "3.0".into();
                f["routing_model"] = routing;
            }
            f
        })
}

/// 128 cases per property, unless `PROPTEST_CASES` says otherwise.
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        default.cases
    } else {
        128
    };
    ProptestConfig { cases, ..default }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        exercise(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn random_json_punctuation_never_panics(
        bytes in prop::collection::vec(select(&b"{}[]\":,0123456789.-+eE \n\ttrufalsn\\${}`'"[..]), 0..256)
    ) {
        exercise(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn damaged_sample_flows_never_panic(
        sample in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let all = samples();
        let mut bytes = all[sample.index(all.len())].clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        exercise(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn random_json_values_never_panic(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        };
        exercise(text.expect("serialises"));
    }

    #[test]
    fn random_flow_like_documents_never_panic(value in flow_like()) {
        exercise(serde_json::to_string_pretty(&value).expect("serialises"));
    }
}

/// Every sample flow cut after each of its lines: the half-typed files an editor hands over.
#[test]
fn every_line_prefix_of_every_sample_never_panics() {
    for sample in samples() {
        let text = String::from_utf8_lossy(sample);
        let mut end = 0;
        for line in text.split_inclusive('\n') {
            end += line.len();
            exercise(text[..end].to_string());
        }
    }
}

/// A syntax error just before a multi-byte character at the end of a line: the human
/// reporter once widened the empty span by one byte, into the middle of the character.
#[test]
fn a_syntax_error_before_a_multibyte_character_renders() {
    exercise("{\"a\": \"x\"\u{c0}\n".to_string());
}
