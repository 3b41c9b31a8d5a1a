//! Around the phone: the status line, the hint bar, the findings of a broken save and the
//! side panel.

use super::endpoint::finding_lines;
use super::*;

pub(super) fn status_line(app: &App, t: &Theme) -> Line<'static> {
    let screen = app.session().current().unwrap_or("-").to_string();
    let errors = app
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = app.findings.len() - errors;
    let state = if !app.broken.is_empty() {
        Span::styled(
            format!(" ✗ last save has {} problem(s) ", app.broken.len()),
            Style::new().fg(t.error).add_modifier(Modifier::BOLD),
        )
    } else if errors > 0 {
        Span::styled(format!(" ✗ {errors} error(s) "), t.error())
    } else if warnings > 0 {
        Span::styled(format!(" ✓ valid, {warnings} warning(s) "), t.dimmed())
    } else {
        Span::styled(" ✓ valid ", t.accent())
    };
    let mut spans = vec![
        Span::styled(
            " flowsim ",
            Style::new()
                .fg(t.on_accent)
                .bg(t.accent)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
        Span::styled(sanitize(&app.name), t.bold()),
        Span::styled(format!("  {screen}"), t.dimmed()),
        state,
    ];
    if app.step {
        spans.push(Span::styled(
            " STEP ",
            Style::new()
                .fg(t.on_accent)
                .bg(t.error)
                .add_modifier(Modifier::BOLD),
        ));
    }
    if !app.exchanges.is_empty() {
        let failed = app.exchanges.iter().filter(|x| x.error.is_some()).count();
        let style = if failed > 0 { t.error() } else { t.dimmed() };
        spans.push(Span::styled(format!(" ⇄ {} ", app.exchanges.len()), style));
    }
    // What is wrong with the last answer stays in sight until the next one.
    if let Some(x) = app.exchanges.last() {
        if !x.differences.is_empty() {
            spans.push(Span::styled(
                " ⚠ replayed answer recorded for another request (i) ",
                Style::new().fg(t.error).add_modifier(Modifier::BOLD),
            ));
        }
        let n = x.findings.len();
        if n > 0 {
            spans.push(Span::styled(
                format!(
                    " ⚠ {n} finding{} about the answer (p) ",
                    if n == 1 { "" } else { "s" }
                ),
                t.error(),
            ));
        }
    }
    if let Some(n) = &app.notice {
        spans.push(Span::styled(
            format!(" {} ", sanitize(n)),
            t.dimmed().add_modifier(Modifier::ITALIC),
        ));
    }
    // Last: on a narrow terminal, warnings about the flow matter more than the phone's size.
    spans.push(Span::styled(
        format!(" ▯ {} ", app.look.describe()),
        t.dimmed(),
    ));
    Line::from(spans)
}

pub(super) fn hint_line(app: &App, t: &Theme, mode: Mode) -> Line<'static> {
    let mut spans = Vec::new();
    for (k, h) in app.keymap.hints(mode) {
        spans.push(Span::styled(
            format!(" {k} "),
            Style::new().fg(t.fg).bg(t.bar),
        ));
        spans.push(Span::styled(format!(" {h}  "), t.dimmed()));
    }
    Line::from(spans)
}

pub(super) fn findings_box(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.error())
        .title(Span::styled(
            " last save not loaded: fix these (the last good version stays usable) ",
            t.error(),
        ));
    let inner = block.inner(area);
    Clear.render(area, buf);
    block.render(area, buf);
    let lines: Vec<Line> = app
        .broken
        .iter()
        .map(|f| {
            Line::from(vec![
                Span::styled(format!("{} ", f.location), t.bold()),
                Span::styled(format!("{}: ", f.code), t.error()),
                Span::styled(sanitize(&f.message), t.text()),
            ])
        })
        .collect();
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// The side panel: where the user is, the stores, findings, requests and the completion.
pub(super) fn panel(app: &App, t: &Theme, view: &ScreenView, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.border())
        .title(Span::styled(" side panel ", t.bold()));
    let inner = block.inner(area);
    block.render(area, buf);
    let s = app.session();
    let mut lines: Vec<Line<'static>> = Vec::new();
    let heading = |lines: &mut Vec<Line<'static>>, text: &str| {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(text.to_string(), t.focus()));
    };
    let json_lines = |lines: &mut Vec<Line<'static>>, v: &Value| {
        let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
        for l in pretty.lines() {
            for w in wrap_indented(&compact_images(l), inner.width) {
                lines.push(Line::styled(w, t.text()));
            }
        }
    };
    heading(&mut lines, "Navigation");
    lines.push(Line::styled(
        format!("stack: {}", s.stack.join(" → ")),
        t.text(),
    ));
    lines.push(Line::styled(
        format!("flow token: {}", sanitize(&s.flow_token)),
        t.dimmed(),
    ));
    if let Phase::Completed(c) = &s.phase {
        heading(&mut lines, "Completion: what the business receives");
        json_lines(&mut lines, &c.nfm_reply());
        heading(&mut lines, "response_json");
        json_lines(&mut lines, &Value::Object(c.response.clone()));
        lines.push(Line::styled("r restarts the flow", t.dimmed()));
    }
    if let Some(w) = &app.webhook {
        heading(&mut lines, "Webhook");
        let mut say = |text: String, style| {
            for l in wrap(&sanitize(&text), inner.width) {
                lines.push(Line::styled(l, style));
            }
        };
        say(
            format!(
                "{} ({})",
                w.url,
                if w.signed {
                    "signed"
                } else {
                    "unsigned: no --app-secret"
                }
            ),
            t.dimmed(),
        );
        match (&w.last, w.sending) {
            (_, true) => say("sending the completion…".into(), t.text()),
            (None, false) => say("completions are POSTed here as Meta does".into(), t.text()),
            (Some(d), false) => match d.diagnosis() {
                None => {
                    say(format!("answered {}", d.outcome()), t.focus());
                    if let Some(note) = d.slow_note(flowsim_webhook::deliver::SLOW) {
                        say(note, t.error());
                    }
                }
                Some(why) => say(format!("failed: {why}"), t.error()),
            },
        }
    }
    if let Some(store) = s.store() {
        heading(&mut lines, &format!("Data of {}", view.screen));
        json_lines(&mut lines, &Value::Object(store.data.clone()));
        heading(&mut lines, "Form");
        json_lines(&mut lines, &Value::Object(store.form.clone()));
    }
    if !s.findings.is_empty() {
        heading(&mut lines, "Checks of the last endpoint answer");
        lines.extend(finding_lines(&s.findings, inner.width, t));
    }
    if let Some(r) = &s.last_request {
        heading(&mut lines, "Last endpoint request (decrypted)");
        json_lines(&mut lines, &r.payload());
    }
    let findings: Vec<_> = app.broken.iter().chain(&app.findings).collect();
    if !findings.is_empty() {
        heading(&mut lines, "Findings");
        for f in findings {
            let style = if f.severity == Severity::Error {
                t.error()
            } else {
                t.dimmed()
            };
            for w in wrap(
                &format!("{} {} {}", f.location, f.code, sanitize(&f.message)),
                inner.width,
            ) {
                lines.push(Line::styled(w, style));
            }
        }
    }
    heading(&mut lines, "Events");
    for e in s.events.iter().rev().take(12) {
        for w in wrap(&sanitize(&e.message), inner.width) {
            lines.push(Line::styled(w, t.dimmed()));
        }
    }
    for (i, l) in lines.iter().enumerate().take(inner.height as usize) {
        buf.set_line(inner.x, inner.y + i as u16, l, inner.width);
    }
}

/// Wraps a line keeping its leading indentation (for JSON).
pub(super) fn wrap_indented(line: &str, width: u16) -> Vec<String> {
    let line = sanitize(line);
    let indent = line.len() - line.trim_start_matches(' ').len();
    let indent = indent.min(width as usize / 2);
    let pad = " ".repeat(indent);
    let wrapped = wrap(
        line.trim_start_matches(' '),
        width.saturating_sub(indent as u16).max(1),
    );
    if wrapped.is_empty() {
        return vec![String::new()];
    }
    wrapped.into_iter().map(|w| format!("{pad}{w}")).collect()
}

/// Long base64 blobs (images) shortened for display.
pub(super) fn compact_images(line: &str) -> String {
    if line.len() > 200 {
        format!(
            "{}… ({} bytes)",
            &line[..line.floor_char_boundary(60)],
            line.len()
        )
    } else {
        line.to_string()
    }
}
