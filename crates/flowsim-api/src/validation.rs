//! Meta's `validation_errors` as the core's diagnostics, and the comparison with flowsim's own
//! verdict on the same text, so that both print alike and a disagreement is stated.

use flowsim_core::diagnostic::{Code, Diagnostic, Related, Severity};
use flowsim_core::flow::json::Span;
use flowsim_core::flow::source::Source;

use crate::flows::ValidationError;

/// Meta's errors about `source` (the text that was uploaded) as diagnostics: Meta's code and
/// message, the span from its lines and columns (1-based, in characters), the path of the
/// first pointer, and the other pointers as related places.
pub fn to_diagnostics(source: &Source, errors: &[ValidationError]) -> Vec<Diagnostic> {
    errors.iter().map(|e| diagnostic(source, e)).collect()
}

fn diagnostic(source: &Source, e: &ValidationError) -> Diagnostic {
    let first = e.pointers.first();
    let primary = match (e.line_start, first) {
        (Some(_), _) => span(
            source,
            e.line_start,
            e.column_start,
            e.line_end,
            e.column_end,
        ),
        (None, Some(p)) => span(
            source,
            p.line_start,
            p.column_start,
            p.line_end,
            p.column_end,
        ),
        (None, None) => 0..0,
    };
    let related = e
        .pointers
        .iter()
        .skip(1)
        .map(|p| Related {
            span: span(
                source,
                p.line_start,
                p.column_start,
                p.line_end,
                p.column_end,
            ),
            path: p.path.clone(),
            message: "also here".into(),
        })
        .collect();
    Diagnostic {
        code: code(e.code()),
        severity: Severity::Error,
        message: e.message.clone(),
        span: primary,
        path: first.map(|p| p.path.as_str()).unwrap_or_default().into(),
        help: None,
        related,
    }
}

/// A byte span from 1-based lines and character columns, clamped to the text. A missing end
/// is the start.
fn span(
    source: &Source,
    line_start: Option<usize>,
    column_start: Option<usize>,
    line_end: Option<usize>,
    column_end: Option<usize>,
) -> Span {
    let Some(line) = line_start.filter(|&l| l > 0) else {
        return 0..0;
    };
    let start = offset(source, line, column_start.unwrap_or(1));
    let end = match line_end.filter(|&l| l > 0) {
        Some(l) => offset(source, l, column_end.unwrap_or(1)),
        None => start,
    };
    start..end.max(start)
}

fn offset(source: &Source, line: usize, column: usize) -> usize {
    if line > source.line_count() {
        return source.text.len();
    }
    let start = source.line_start(line);
    let text = source.line_text(line);
    let within = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    start + within
}

/// Meta's code as a diagnostic's code: one of the codes flowsim reports, or a code of Meta's
/// own. Codes that do not look like Meta's (`UPPER_SNAKE`, at most 64 characters) become
/// `META_VALIDATION_ERROR`.
fn code(code: &str) -> Code {
    const OTHER: &str = "META_VALIDATION_ERROR";
    let plausible = !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b':');
    let Ok(code) = (if plausible { code } else { OTHER }).parse();
    code
}

/// How Meta's errors and flowsim's errors (warnings aside) on the same text line up, by
/// index into each list.
#[derive(Debug, Default, PartialEq)]
pub struct Comparison {
    /// Found by both: same JSON path, or same code on the same line. The codes may differ.
    pub both: Vec<(usize, usize)>,
    /// Meta reports it, flowsim does not.
    pub meta_only: Vec<usize>,
    /// flowsim reports it as an error, Meta does not.
    pub local_only: Vec<usize>,
}

impl Comparison {
    pub fn agree(&self) -> bool {
        self.meta_only.is_empty() && self.local_only.is_empty()
    }
}

/// Pairs each of Meta's errors with one of flowsim's errors about the same place.
pub fn compare(source: &Source, meta: &[Diagnostic], local: &[Diagnostic]) -> Comparison {
    let line = |d: &Diagnostic| source.position(d.span.start).line;
    let mut used = vec![false; local.len()];
    let mut c = Comparison::default();
    for (mi, m) in meta.iter().enumerate() {
        let same_path = |l: &Diagnostic| !m.path.is_empty() && l.path == m.path;
        let same_code_line = |l: &Diagnostic| l.code == m.code && line(l) == line(m);
        let found = [&same_path as &dyn Fn(&Diagnostic) -> bool, &same_code_line]
            .iter()
            .find_map(|matches| {
                local
                    .iter()
                    .enumerate()
                    .position(|(li, l)| !used[li] && l.is_error() && matches(l))
            });
        match found {
            Some(li) => {
                used[li] = true;
                c.both.push((mi, li));
            }
            None => c.meta_only.push(mi),
        }
    }
    c.local_only = local
        .iter()
        .enumerate()
        .filter(|(i, l)| !used[*i] && l.is_error())
        .map(|(i, _)| i)
        .collect();
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::Pointer;
    use flowsim_core::flow::path::Path;

    const TEXT: &str = "{\n  \"version\": \"7.3\",\n  \"screens\": [ { \"id\": \"é1\" } ]\n}";

    fn meta(code: &str, line: usize, col: (usize, usize), path: &str) -> ValidationError {
        ValidationError {
            error: code.into(),
            error_type: "FLOW_JSON_ERROR".into(),
            message: format!("{code} here"),
            line_start: Some(line),
            line_end: Some(line),
            column_start: Some(col.0),
            column_end: Some(col.1),
            pointers: vec![Pointer {
                line_start: Some(line),
                line_end: Some(line),
                column_start: Some(col.0),
                column_end: Some(col.1),
                path: path.into(),
            }],
        }
    }

    #[test]
    fn lines_and_columns_become_the_same_span_flowsim_would_report() {
        let source = Source::new("f.json", TEXT);
        let ds = to_diagnostics(
            &source,
            &[meta("PATTERN_MISMATCH", 3, (24, 28), "screens[0].id")],
        );
        let d = &ds[0];
        assert_eq!(&source.text[d.span.clone()], "\"é1\"");
        assert_eq!(d.code, Code::PatternMismatch);
        assert_eq!(&*d.path, "screens[0].id");
        assert!(d.is_error());
        // The round trip through the reporter's positions gives Meta's numbers back.
        let (s, e) = source.range(&d.span);
        assert_eq!((s.line, s.column, e.line, e.column), (3, 24, 3, 28));
    }

    #[test]
    fn out_of_range_and_missing_positions_are_clamped() {
        let source = Source::new("f.json", TEXT);
        let mut far = meta("X", 99, (1, 2), "");
        far.pointers.clear();
        let mut none = meta("", 1, (1, 1), "");
        none.line_start = None;
        none.pointers.clear();
        none.error_type = "JSON_SCHEMA_ERROR".into();
        let ds = to_diagnostics(&source, &[far, none]);
        assert_eq!(ds[0].span, TEXT.len()..TEXT.len());
        assert_eq!(ds[1].span, 0..0);
        assert_eq!(ds[1].code.as_str(), "JSON_SCHEMA_ERROR");
        assert_eq!(code("lower case").as_str(), "META_VALIDATION_ERROR");
        assert_eq!(code("DUPLICATE_SCREEN_IDS"), Code::DuplicateScreenIds);
        assert_eq!(code("SOME_CODE"), code("SOME_CODE"));
    }

    #[test]
    fn extra_pointers_are_related_places() {
        let source = Source::new("f.json", TEXT);
        let mut e = meta("DUPLICATE_SCREEN_IDS", 3, (5, 6), "screens[0]");
        e.pointers.push(Pointer {
            line_start: Some(2),
            column_start: Some(3),
            line_end: Some(2),
            column_end: Some(12),
            path: "version".into(),
        });
        let d = &to_diagnostics(&source, &[e])[0];
        assert_eq!(d.related.len(), 1);
        assert_eq!(&source.text[d.related[0].span.clone()], "\"version\"");
    }

    #[test]
    fn comparison_pairs_by_path_then_code_and_line() {
        let source = Source::new("f.json", TEXT);
        let m = to_diagnostics(
            &source,
            &[
                meta("PATTERN_MISMATCH", 3, (24, 28), "screens[0].id"),
                meta("MISSING_TERMINAL_SCREEN", 1, (1, 2), ""),
                meta("ONLY_META", 2, (3, 4), "version"),
            ],
        );
        let at = |line: usize| source.line_start(line);
        let local = vec![
            Diagnostic::error(
                Code::MinCharsRequired,
                at(3)..at(3) + 2,
                &Path::root().key("screens").index(0).key("id"),
                "x",
            ),
            Diagnostic::warning(code("SOME_WARNING"), 0..1, &Path::root(), "w"),
            Diagnostic::error(Code::MissingTerminalScreen, 0..1, &Path::root(), "y"),
            Diagnostic::error(
                code("ONLY_LOCAL"),
                at(3)..at(3) + 1,
                &Path::root().key("screens"),
                "z",
            ),
        ];
        let c = compare(&source, &m, &local);
        assert_eq!(c.both, vec![(0, 0), (1, 2)]);
        assert_eq!(c.meta_only, vec![2]);
        assert_eq!(c.local_only, vec![3]);
        assert!(!c.agree());
        assert!(compare(&source, &[], &local[1..2]).agree());
    }
}
