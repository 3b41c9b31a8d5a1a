//! Arbitrary bytes → the validator → every reporter.
//!
//! The bytes are read as `flowsim validate` reads a file: UTF-8 text as is, anything else
//! through the same lossy decoding `load::read` uses for its diagnostic.

#![no_main]

use flowsim_core::flow::source::Source;
use flowsim::report::{self, Format};
use flowsim_core::validate::check;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let source = Source::new("fuzz.json", text);
    let checked = check(&source);
    // A document that is not an object has no model; an object always has one.
    if checked.flow.is_none() {
        assert!(checked.has_errors(), "no model but no error");
    }
    for format in [Format::Human, Format::Json, Format::Github] {
        let out = report::render(format, &source, &checked.diagnostics, false);
        if format == Format::Json {
            let value: serde_json::Value =
                serde_json::from_str(&out).expect("the JSON report is JSON");
            assert_eq!(
                value["valid"],
                serde_json::Value::Bool(!checked.has_errors())
            );
        }
    }
    let _ = report::human(&source, &checked.diagnostics, true);
});
