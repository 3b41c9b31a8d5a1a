//! What the endpoint did: the inspector (every exchange, the selected one in full) and step
//! mode's box (a held request or answer, or the JSON editor).

use super::*;

/// The endpoint inspector: every exchange, and the selected one in full. Returns how far its
/// details can scroll (their last page).
pub(super) fn inspector(
    app: &App,
    t: &Theme,
    selected: usize,
    scroll: u16,
    area: Rect,
    buf: &mut Buffer,
) -> u16 {
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.focus())
        .title(Span::styled(" endpoint inspector ", t.bold()))
        .title_bottom(Span::styled(
            " ↑/↓ select · PgUp/PgDn scroll · Esc close ",
            t.dimmed(),
        ))
        .style(t.base());
    let inner = block.inner(area);
    block.render(area, buf);
    if app.exchanges.is_empty() {
        let text = vec![
            Line::styled("No endpoint exchanges yet.", t.bold()),
            Line::raw(""),
            Line::styled(
                "Requests appear here when the flow calls its endpoint (INIT, data_exchange, BACK, error notifications).",
                t.dimmed(),
            ),
            Line::styled(
                "Use --endpoint URL --public-key PEM, --mock FILE or --replay FILE to answer them; s turns on step mode.",
                t.dimmed(),
            ),
        ];
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        return 0;
    }
    let list_rows = (app.exchanges.len() as u16).min(inner.height / 3).max(1);
    let first = selected.saturating_sub(list_rows as usize - 1);
    for (row, (i, x)) in app
        .exchanges
        .iter()
        .enumerate()
        .skip(first)
        .take(list_rows as usize)
        .enumerate()
    {
        let status = match (x.status, &x.error) {
            (Some(s), None) if !x.differences.is_empty() || !x.findings.is_empty() => {
                format!("{s} ⚠")
            }
            (Some(s), None) => s.to_string(),
            (Some(s), Some(_)) => format!("{s} ✗"),
            (None, Some(_)) => "✗".into(),
            (None, None) => "by hand".into(),
        };
        let time = jiff::Timestamp::from_millisecond((x.time * 1000.0) as i64)
            .map(|ts| {
                ts.to_zoned(jiff::tz::TimeZone::system())
                    .strftime("%H:%M:%S")
                    .to_string()
            })
            .unwrap_or_default();
        let text = format!(
            "{:>3} {time}  {:<14} {:<22} {:>7} {:>6} ms",
            i + 1,
            truncate(&x.action, 14),
            truncate(&x.screen, 22),
            status,
            x.latency_ms
        );
        let style = if i == selected {
            t.focus().add_modifier(Modifier::REVERSED)
        } else {
            t.text()
        };
        buf.set_string(
            inner.x,
            inner.y + row as u16,
            truncate(&text, inner.width as usize),
            style,
        );
    }
    let details = Rect {
        y: inner.y + list_rows + 1,
        height: inner.height.saturating_sub(list_rows + 1),
        ..inner
    };
    buf.set_string(
        inner.x,
        inner.y + list_rows,
        "─".repeat(inner.width as usize),
        t.border(),
    );
    let Some(x) = app.exchanges.get(selected) else {
        return 0;
    };
    let mut lines: Vec<Line<'static>> = Vec::new();
    lines.push(Line::styled(
        format!("Request (decrypted) — {} {}", x.action, x.screen),
        t.bold(),
    ));
    lines.extend(json::lines(&x.request, details.width, t));
    lines.push(Line::raw(""));
    lines.extend(super::media::lines(app, t, selected, details.width));
    let warning = Style::new().fg(t.error).add_modifier(Modifier::BOLD);
    if let Some(recorded) = &x.recorded_for {
        lines.push(Line::styled(
            "Answered from the recording of a different request (replay)",
            warning,
        ));
        for d in &x.differences {
            for w in wrap(&format!("• {}", sanitize(d)), details.width) {
                lines.push(Line::styled(w, t.error()));
            }
        }
        lines.push(Line::styled("The recorded request:", t.dimmed()));
        lines.extend(json::lines(recorded, details.width, t));
        lines.push(Line::raw(""));
    }
    match (&x.response, &x.error) {
        (_, Some(e)) => {
            lines.push(Line::styled("Problem", warning));
            for w in wrap(&sanitize(e), details.width) {
                lines.push(Line::styled(w, t.error()));
            }
            if let Some(detail) = &x.detail {
                lines.push(Line::styled("Detail (from the HTTP library)", t.bold()));
                for w in wrap(&sanitize(detail), details.width) {
                    lines.push(Line::styled(w, t.dimmed()));
                }
            }
        }
        (Some(r), None) => {
            lines.push(Line::styled("Answer (decrypted)", t.bold()));
            lines.extend(json::lines(r, details.width, t));
        }
        (None, None) => {}
    }
    if !x.findings.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("What the client found in the answer", warning));
        lines.extend(finding_lines(&x.findings, details.width, t));
    }
    if x.attempts > 1 {
        lines.push(Line::styled(
            format!("sent {} times (421 → retried with a fresh key)", x.attempts),
            t.dimmed(),
        ));
    }
    if let Some(body) = &x.body {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Raw request body", t.bold()));
        for w in wrap(&sanitize(body), details.width) {
            lines.push(Line::styled(w, t.dimmed()));
        }
    }
    if let Some(raw) = &x.raw_response {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "Raw answer ({})",
                x.status.map_or("-".into(), |s| format!("HTTP {s}"))
            ),
            t.bold(),
        ));
        for w in wrap(&sanitize(raw), details.width).into_iter().take(20) {
            lines.push(Line::styled(w, t.dimmed()));
        }
    }
    let last = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(details.height);
    Paragraph::new(lines)
        .scroll((scroll.min(last), 0))
        .render(details, buf);
    last
}

/// A finding's mark: ⚠ for a warning, ✗ for an error.
/// What the client found in an endpoint answer, a finding a paragraph, errors in red.
pub(super) fn finding_lines(
    findings: &[flowsim_core::sim::AnswerFinding],
    width: u16,
    t: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for f in findings {
        let (mark, style) = match f.level {
            Level::Warning => ("⚠", t.text()),
            Level::Error => ("✗", t.error()),
        };
        let text = format!("{mark} {}: {}", f.code, sanitize(&f.message));
        lines.extend(
            wrap(&text, width)
                .into_iter()
                .map(|w| Line::styled(w, style)),
        );
    }
    lines
}

/// Step mode's box: the held request or answer, or the JSON editor.
pub(super) fn step_box(t: &Theme, stepping: &crate::app::Stepping, area: Rect, frame: &mut Frame) {
    use crate::app::Stepping;
    let w = area.width.min(80);
    let h = area.height.saturating_sub(4).min(30);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + 2,
        width: w,
        height: h,
    };
    let buf = frame.buffer_mut();
    Clear.render(r, buf);
    let (title, keys) = match stepping {
        Stepping::Request(_) => (
            " step: about to send ",
            " Enter send · e edit payload · a answer by hand · Esc cancel ",
        ),
        Stepping::Answer { .. } => (" step: the answer arrived ", " Enter apply "),
        Stepping::Edit { answer: true, .. } => {
            (" step: answer by hand (JSON) ", " Ctrl-S use · Esc back ")
        }
        Stepping::Edit { .. } => (
            " step: edit the payload (JSON) ",
            " Ctrl-S send · Esc back ",
        ),
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.focus())
        .title(Span::styled(title, t.bold()))
        .title_bottom(Span::styled(keys, t.dimmed()))
        .style(t.base());
    let inner = block.inner(r);
    block.render(r, buf);
    match stepping {
        Stepping::Request(req) => {
            let payload = req.payload();
            Paragraph::new(json::lines(&payload, inner.width, t)).render(inner, buf);
        }
        Stepping::Answer { answer, .. } => {
            let lines = match answer {
                Ok(v) => json::lines(v, inner.width, t),
                Err(e) => wrap(&sanitize(&e.message), inner.width)
                    .into_iter()
                    .map(|l| Line::styled(l, t.error()))
                    .collect(),
            };
            Paragraph::new(lines).render(inner, buf);
        }
        Stepping::Edit { editor, error, .. } => {
            let text_area = Rect {
                height: inner.height.saturating_sub(1),
                ..inner
            };
            // Drawn without the editor's default cursor-line underline.
            let mut editor = editor.as_ref().clone();
            editor.set_cursor_line_style(Style::new());
            frame.render_widget(&editor, text_area);
            if let Some(e) = error {
                let buf = frame.buffer_mut();
                buf.set_string(
                    inner.x,
                    inner.y + inner.height.saturating_sub(1),
                    truncate(&sanitize(e), inner.width as usize),
                    t.error(),
                );
            }
        }
    }
}
