//! JSON pretty-printed and highlighted, for the inspector and step mode.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::markdown::wrap;
use super::theme::Theme;
use flowsim_core::text::sanitize;

/// Pretty JSON as coloured lines wrapped to `width`: keys, strings, numbers and literals in
/// their own colours. Long strings (images) are shortened.
pub fn lines(value: &Value, width: u16, t: &Theme) -> Vec<Line<'static>> {
    let pretty = serde_json::to_string_pretty(&shorten(value)).unwrap_or_default();
    let mut out = Vec::new();
    for raw in pretty.lines() {
        let line = sanitize(raw);
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        let (key, rest) = split_key(body);
        let mut spans = vec![Span::raw(" ".repeat(indent))];
        if let Some(k) = key {
            spans.push(Span::styled(k.to_string(), Style::new().fg(t.accent)));
        }
        spans.push(Span::styled(rest.to_string(), value_style(rest, t)));
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        if text.chars().count() <= width as usize {
            out.push(Line::from(spans));
        } else {
            let pad = " ".repeat(indent.min(width as usize / 2));
            for w in wrap(
                text.trim_start(),
                width.saturating_sub(pad.len() as u16).max(1),
            ) {
                out.push(Line::styled(format!("{pad}{w}"), t.text()));
            }
        }
    }
    out
}

/// `"key": ` and the rest of a pretty-printed line.
fn split_key(body: &str) -> (Option<&str>, &str) {
    if body.starts_with('"')
        && let Some(end) = key_end(body)
        && body[end..].starts_with(": ")
    {
        return (Some(&body[..end + 2]), &body[end + 2..]);
    }
    (None, body)
}

/// Byte index just past the closing quote of a JSON string at the start of `s`.
fn key_end(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i + 1),
            _ => escaped = false,
        }
    }
    None
}

fn value_style(rest: &str, t: &Theme) -> Style {
    let v = rest.trim_end_matches(',');
    if v.starts_with('"') {
        t.text()
    } else if v == "true" || v == "false" || v == "null" || v.parse::<f64>().is_ok() {
        Style::new().fg(t.error)
    } else {
        t.dimmed()
    }
}

/// Strings longer than 200 characters (base64 images) cut for display.
fn shorten(value: &Value) -> Value {
    match value {
        Value::String(s) if s.chars().count() > 200 => Value::String(format!(
            "{}… ({} characters)",
            s.chars().take(48).collect::<String>(),
            s.chars().count()
        )),
        Value::Array(items) => Value::Array(items.iter().map(shorten).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shorten(v))).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_and_values_are_styled_apart_and_images_shortened() {
        let t = Theme::DARK;
        let long = "A".repeat(500);
        let out = lines(&json!({ "screen": "A", "n": 3, "img": long }), 60, &t);
        let screen = out
            .iter()
            .find(|l| l.to_string().contains("screen"))
            .unwrap();
        assert_eq!(screen.spans[1].content, "\"screen\": ");
        assert_eq!(screen.spans[1].style.fg, Some(t.accent));
        assert!(
            out.iter()
                .any(|l| l.to_string().contains("(500 characters)"))
        );
        assert!(out.iter().all(|l| l.width() <= 60));
    }
}
