use serde_json::{Value, json as j};

use crate::diagnostic::Diagnostic;
use crate::flow::json::Span;
use crate::flow::source::Source;

/// One line of JSON for a file, in the shape the Flows API returns:
/// `{"file", "valid", "validation_errors": [...], "warnings": [...]}`. Lines and columns are
/// 1-based; `column_end` is the column just past the last character of the span.
pub fn json(source: &Source, diagnostics: &[Diagnostic]) -> String {
    let entry = |d: &Diagnostic| -> Value {
        let mut pointers = vec![pointer(source, &d.span, &d.path)];
        pointers.extend(d.related.iter().map(|r| pointer(source, &r.span, &r.path)));
        let (s, e) = source.range(&d.span);
        j!({
            "error": d.code,
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
    j!({
        "file": source.name,
        "valid": errors.is_empty(),
        "validation_errors": errors,
        "warnings": warnings,
    })
    .to_string()
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
