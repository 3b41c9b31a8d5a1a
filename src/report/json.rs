use serde_json::{Value, json as j};

use flowsim_core::diagnostic::Diagnostic;
use flowsim_core::flow::json::Span;
use flowsim_core::flow::source::Source;

/// One line of JSON for a file, in the shape the Flows API returns:
/// `{"file", "valid", "validation_errors": [...], "warnings": [...]}`. Lines and columns are
/// 1-based; `column_end` is the column just past the last character of the span.
pub fn json(source: &Source, diagnostics: &[Diagnostic]) -> String {
    let entry = |d: &Diagnostic| -> Value {
        let mut pointers = vec![pointer(source, &d.span, &d.path)];
        pointers.extend(d.related.iter().map(|r| pointer(source, &r.span, &r.path)));
        let (s, e) = source.range(&d.span);
        j!({
            "error": d.code.as_str(),
            "error_type": "FLOW_JSON_ERROR",
            "message": d.message,
            "line_start": s.line,
            "line_end": e.line,
            "column_start": s.column,
            "column_end": e.column,
            "pointers": pointers,
        })
    };
    let errors: Vec<Value> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(entry)
        .collect();
    let warnings: Vec<Value> = diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(entry)
        .collect();
    let line = j!({
        "file": source.name,
        "valid": errors.is_empty(),
        "validation_errors": errors,
        "warnings": warnings,
    })
    .to_string();
    escape_unsafe(line)
}

/// JSON text with DEL, C1 controls and bidi formatting characters written as `\uXXXX`
/// escapes (serde_json escapes only C0 controls), so the report is safe to print on a
/// terminal and still decodes to the same strings. Those characters only occur inside
/// strings, where the escape means the same.
pub fn escape_unsafe(json: String) -> String {
    if !json.chars().any(flowsim_core::text::is_unsafe_char) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if flowsim_core::text::is_unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn pointer(source: &Source, span: &Span, path: &str) -> Value {
    let (s, e) = source.range(span);
    j!({
        "path": path,
        "line_start": s.line,
        "line_end": e.line,
        "column_start": s.column,
        "column_end": e.column,
    })
}
