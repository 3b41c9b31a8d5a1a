use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

use flowsim_core::diagnostic::{Diagnostic, Severity};
use flowsim_core::flow::json::Span;
use flowsim_core::flow::source::Source;

/// rustc-style output: `error[CODE]: message`, `--> file:line:column`, the source lines with
/// the span underlined, the JSON path and a help line; then a one-line summary.
pub fn human(source: &Source, diagnostics: &[Diagnostic], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // The name may come from a scenario's `flow`, which is untrusted too.
    let name = safe_text(&source.name);
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let (text, offset, line) = window(source, &d.span);
        let primary = shift(&d.span, offset, text);
        let safe = terminal_safe(text);
        let text = &*safe;
        let mut snippet = Snippet::source(text)
            .line_start(line)
            .path(name.as_str())
            .annotation(AnnotationKind::Primary.span(primary));
        let related: Vec<(String, usize, usize, Span, &str)> = d
            .related
            .iter()
            .map(|r| {
                let (t, o, l) = window(source, &r.span);
                let s = shift(&r.span, o, t);
                (terminal_safe(t).into_owned(), o, l, s, r.message.as_str())
            })
            .collect();
        // Related spans inside the same window are drawn on the same excerpt.
        let mut extra = Vec::new();
        for (t, o, l, s, msg) in &related {
            let msg = safe_text(msg);
            if *o == offset && t == text {
                snippet = snippet.annotation(AnnotationKind::Context.span(s.clone()).label(msg));
            } else {
                extra.push(
                    Snippet::source(t.as_str())
                        .line_start(*l)
                        .path(name.as_str())
                        .annotation(AnnotationKind::Context.span(s.clone()).label(msg)),
                );
            }
        }
        let mut group = level
            .primary_title(safe_text(&d.message))
            .id(d.code.as_str())
            .element(snippet);
        for s in extra {
            group = group.element(s);
        }
        let path_note = format!(
            "at `{}`",
            if d.path.is_empty() { "(root)" } else { &d.path }
        );
        let path_note = safe_text(&path_note);
        let mut report = vec![
            group,
            Group::with_title(Level::NOTE.secondary_title(path_note)),
        ];
        if let Some(help) = &d.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(safe_text(help)),
            ));
        }
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out.push_str(&summary(source, diagnostics, color));
    out.push('\n');
    out
}

/// A message made safe for a terminal, line by line (titles and notes are printed as
/// given).
fn safe_text(s: &str) -> String {
    s.split('\n')
        .map(flowsim_core::text::sanitize)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Replaces what must not reach a terminal and `annotate-snippets` lets through (C1
/// controls, bidi marks; it replaces C0 controls, DEL and bidi embeddings itself) with
/// characters of the same UTF-8 length, so spans into the text stay valid.
fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| flowsim_core::text::is_unsafe_char(c) && c.len_utf8() > 1;
    if !s.chars().any(bad) {
        return s.into();
    }
    s.chars()
        .map(|c| match c {
            c if bad(c) && c.len_utf8() == 2 => '\u{bf}',
            c if bad(c) => '\u{fffd}',
            c => c,
        })
        .collect::<String>()
        .into()
}

/// `file.json: valid` or `file.json: 2 errors, 1 warning`.
pub fn summary(source: &Source, diagnostics: &[Diagnostic], color: bool) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let name = safe_text(&source.name);
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let (mark, text) = match (errors, warnings) {
        (0, 0) => (AnsiColor::Green, "valid".to_string()),
        (0, w) => (
            AnsiColor::Yellow,
            format!("valid, {}", plural(w, "warning")),
        ),
        (e, 0) => (AnsiColor::Red, format!("invalid, {}", plural(e, "error"))),
        (e, w) => (
            AnsiColor::Red,
            format!("invalid, {}, {}", plural(e, "error"), plural(w, "warning")),
        ),
    };
    if color {
        let bold = Style::new().bold();
        let mark = Style::new().fg_color(Some(mark.into()));
        format!("{bold}{name}{bold:#}: {mark}{text}{mark:#}")
    } else {
        format!("{name}: {text}")
    }
}

/// The whole lines around a span (plus one line of context on each side, and at most 8
/// lines of the span itself), the byte offset of that window and its first line number.
fn window<'a>(source: &'a Source, span: &Span) -> (&'a str, usize, usize) {
    let start = span.start.min(source.text.len());
    let end = span.end.clamp(start, source.text.len());
    let span_line = source.position(start).line;
    let first = span_line.saturating_sub(1).max(1);
    let last = (source.position(end).line.min(span_line + 7) + 1).min(source.line_count());
    let from = source.line_start(first);
    let to = source.line_start(last + 1);
    let text = source.text[from..to].trim_end_matches(['\n', '\r']);
    (text, from, first)
}

/// A span relative to a window of text, snapped to character boundaries and at least one
/// character wide where the text allows.
fn shift(span: &Span, offset: usize, text: &str) -> Span {
    let len = text.len();
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start.saturating_sub(offset).min(len));
    let mut end = floor(span.end.saturating_sub(offset).clamp(start, len));
    if start == end && end < len {
        end = text[end..]
            .chars()
            .next()
            .map_or(len, |c| end + c.len_utf8());
    }
    start..end
}
