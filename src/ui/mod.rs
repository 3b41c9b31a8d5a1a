//! Drawing: pure functions from state to a ratatui buffer. Nothing here awaits or does IO.
//! The interactive app ([`draw`]) and `flowsim render` ([`phone`]) share the phone drawing,
//! so what `render` prints is what the preview shows.

pub mod body;
pub mod device;
pub mod image;
pub mod json;
mod map;
pub mod markdown;
mod media;
pub mod text;
pub mod theme;

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};
use serde_json::Value;
use tui_input::Input as LineInput;

use crate::app::keymap::{Keymap, Mode};
use crate::app::{App, Drawn, Overlay, Target};
use body::{Ctx, center};
use flowsim_core::diagnostic::Severity;
use flowsim_core::flow::expr::display;
use flowsim_core::flow::spec::Kind;
use flowsim_core::sim::checks::{date_allowed, missing_required, parse_date, weekday_name};
use flowsim_core::sim::{Level, Phase, ScreenView, Session};
use flowsim_core::text::sanitize;
use markdown::wrap;
use text::{Dir, Layout, truncate};
use theme::Theme;

/// The narrowest phone drawn.
pub const MIN_WIDTH: u16 = 30;

/// Everything the phone drawing reads.
pub struct Phone<'a> {
    pub session: &'a Session,
    /// The session's current view (`session.view()`).
    pub view: &'a ScreenView,
    pub theme: &'a Theme,
    pub focus: Option<&'a Target>,
    pub editor: Option<(&'a str, &'a LineInput)>,
    pub carousel: &'a BTreeMap<String, usize>,
    pub overlay: &'a Overlay,
    /// Requested scroll offset and whether to follow the focus.
    pub scroll: u16,
    pub follow: bool,
    pub plain: bool,
    /// Real pictures through the terminal's graphics protocol, when it has one.
    pub graphics: Option<&'a image::Graphics>,
    /// The phone's language direction and who orders right-to-left text.
    pub layout: Layout,
    /// The flow is a draft: its messages carry a warning banner.
    pub draft: bool,
}

/// How far along the flow the current screen is, for the progress indicator that flows of
/// more than one screen show ("visually inform users about how much progress is left ...
/// applicable for any Flows with more than one screen", META-CL 2024; client-look.md §2a).
/// Its look is not documented: flowsim draws it as a bar in the line under the top bar,
/// filled by screens visited over screens visited plus the longest way to the end.
fn progress(session: &Session) -> Option<(usize, usize)> {
    let flow = &session.flow;
    if flow.screens.len() < 2 {
        return None;
    }
    let current = session.current()?;
    let edges = flow.edges();
    // The longest path (in screens) from `id` to a screen with no way on, memoised (a flow
    // can branch at every screen); loops are invalid flows, cut by not revisiting a screen.
    fn longest<'a>(
        id: &'a str,
        edges: &'a [(String, String)],
        seen: &mut Vec<&'a str>,
        memo: &mut std::collections::HashMap<&'a str, usize>,
    ) -> usize {
        if let Some(&n) = memo.get(id) {
            return n;
        }
        if seen.contains(&id) {
            return 0;
        }
        seen.push(id);
        let best = edges
            .iter()
            .filter(|(from, _)| from == id)
            .map(|(_, to)| longest(to, edges, seen, memo))
            .max()
            .unwrap_or(0);
        seen.pop();
        memo.insert(id, 1 + best);
        1 + best
    }
    let done = session.stack.len().max(1);
    let ahead =
        longest(current, &edges, &mut Vec::new(), &mut Default::default()).saturating_sub(1);
    Some((done, done + ahead))
}

/// Draws the phone into `area` (its full rectangle, border included).
pub fn phone(p: &Phone, area: Rect, buf: &mut Buffer) -> Drawn {
    let t = p.theme;
    let mut drawn = Drawn::default();
    if area.width < 8 || area.height < 6 {
        return drawn;
    }
    let frame_style = if p.plain { Style::new() } else { t.base() };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(if p.plain {
            Style::new()
        } else {
            t.border().bg(t.bg)
        })
        .style(frame_style);
    let inner = block.inner(area);
    block.render(area, buf);

    // Top bar: close, title, menu; a right-to-left phone has the close button on the right.
    let title_room = inner.width.saturating_sub(6) as usize;
    let title = sanitize(&p.view.title);
    let title = p
        .layout
        .show(&truncate(&title, title_room), p.layout.para_dir(&title));
    let title = text::fit(&center(&title, title_room), title_room);
    let (start, end) = match p.layout.ui {
        Dir::Ltr => (" ✕ ", " ⋮ "),
        Dir::Rtl => (" ⋮ ", " ✕ "),
    };
    let bar = Line::from(vec![
        Span::styled(start, t.dimmed()),
        Span::styled(title, t.bold()),
        Span::styled(end, t.dimmed()),
    ]);
    let bar_style = if p.plain {
        Style::new()
    } else {
        Style::new().bg(t.bar)
    };
    buf.set_style(Rect { height: 1, ..inner }, bar_style);
    buf.set_line(inner.x, inner.y, &bar, inner.width);
    let sep_style = if p.plain {
        Style::new()
    } else {
        t.border().bg(t.bg)
    };
    buf.set_string(
        area.x,
        inner.y + 1,
        format!("├{}┤", "─".repeat(inner.width as usize)),
        sep_style,
    );
    if let Some((done, total)) = progress(p.session) {
        let filled = (inner.width as usize * done / total.max(1)).min(inner.width as usize);
        let x = match p.layout.ui {
            Dir::Ltr => inner.x,
            Dir::Rtl => inner.x + inner.width - filled as u16,
        };
        let style = if p.plain {
            Style::new()
        } else {
            t.accent().bg(t.bg)
        };
        buf.set_string(x, inner.y + 1, "━".repeat(filled), style);
    }
    // A draft flow's messages carry a warning banner (META-TD: "Flow messages sent in draft
    // mode show a warning banner on the device"); its wording is not documented.
    let banner = u16::from(p.draft);
    if p.draft {
        let text = center(
            &truncate("⚠ Draft flow: for testing only", inner.width as usize),
            inner.width as usize,
        );
        let style = if p.plain {
            Style::new()
        } else {
            Style::new().fg(t.snackbar_fg).bg(t.snackbar_bg)
        };
        let row = Rect {
            y: inner.y + 2,
            height: 1,
            ..inner
        };
        buf.set_style(row, style);
        buf.set_string(inner.x, inner.y + 2, text, style);
    }

    // Footer block at the bottom.
    let footer_rows = footer_height(p);
    let body_area = Rect {
        x: inner.x + 1,
        y: inner.y + 2 + banner,
        width: inner.width.saturating_sub(2),
        height: inner.height.saturating_sub(2 + banner + footer_rows),
    };
    let footer_area = Rect {
        y: body_area.y + body_area.height,
        height: footer_rows.min(inner.height.saturating_sub(2)),
        ..inner
    };
    draw_footer(p, footer_area, buf, &mut drawn);

    let ctx = Ctx {
        theme: t,
        width: body_area.width,
        focus: p.focus,
        editor: p.editor,
        carousel: p.carousel,
        plain: p.plain,
        layout: p.layout,
    };
    match (&p.session.phase, p.overlay) {
        (Phase::Completed(c), _) => {
            let mut lines = vec![
                Line::raw(""),
                Line::styled(center("✓", body_area.width as usize), t.focus()),
                Line::styled(center("Response sent", body_area.width as usize), t.bold()),
                Line::raw(""),
                Line::styled("The business receives (nfm_reply):", t.dimmed()),
            ];
            let pretty = serde_json::to_string_pretty(&Value::Object(c.response.clone()))
                .unwrap_or_default();
            for l in pretty.lines() {
                for w in wrap_indented(&compact_images(l), body_area.width) {
                    lines.push(Line::styled(w, t.text()));
                }
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled("Press r to start again.", t.dimmed()));
            scroll_lines(lines, body_area, buf, p.scroll, &mut drawn);
        }
        (Phase::Closed(why), _) => {
            let lines = vec![
                Line::raw(""),
                Line::styled(center("Flow closed", body_area.width as usize), t.bold()),
                Line::raw(""),
                Line::styled(sanitize(why), t.dimmed()),
                Line::raw(""),
                Line::styled("Press r to start again.", t.dimmed()),
            ];
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .render(body_area, buf);
        }
        (_, Overlay::List { key, cursor }) => list_overlay(p, key, *cursor, body_area, buf),
        (_, Overlay::Calendar { key, cursor, start }) => {
            calendar_overlay(p, key, *cursor, *start, body_area, buf)
        }
        (_, Overlay::Path { key, input }) => path_overlay(p, key, input, body_area, buf),
        _ => {
            let laid = body::body(p.view, &ctx);
            let rows = body_area.height as usize;
            let max_scroll = laid.lines.len().saturating_sub(rows);
            let mut scroll = (p.scroll as usize).min(max_scroll);
            if p.follow
                && let Some((top, bottom)) = laid.focus_lines(p.focus)
            {
                if bottom > scroll + rows {
                    scroll = bottom.saturating_sub(rows).min(top);
                }
                if top < scroll {
                    scroll = top;
                }
            }
            for (i, line) in laid.lines.iter().skip(scroll).take(rows).enumerate() {
                buf.set_line(body_area.x, body_area.y + i as u16, line, body_area.width);
            }
            if let Some(g) = p.graphics {
                // Pictures wholly on screen are drawn for real over their half-blocks.
                for pic in &laid.pictures {
                    if pic.top >= scroll && pic.top + pic.height <= scroll + rows {
                        let area = Rect {
                            x: body_area.x + pic.x,
                            y: body_area.y + (pic.top - scroll) as u16,
                            width: pic.width,
                            height: pic.height as u16,
                        };
                        g.render(&pic.src, area, buf);
                    }
                }
            }
            for r in &laid.regions {
                let (top, bottom) = (
                    r.top as i64 - scroll as i64,
                    (r.top + r.height) as i64 - scroll as i64,
                );
                if bottom <= 0 || top >= rows as i64 {
                    continue;
                }
                let y = body_area.y + top.max(0) as u16;
                let h = (bottom.min(rows as i64) - top.max(0)) as u16;
                let x = body_area.x + r.x.min(body_area.width);
                let w = r.width.min(body_area.width - r.x.min(body_area.width));
                drawn.hits.push(((x, y, w, h), r.target.clone()));
            }
            if laid.lines.len() > rows && rows > 0 && !p.plain {
                // A thin scroll indicator on the frame's right edge.
                let track = body_area.height as usize;
                let thumb = (track * rows / laid.lines.len()).max(1);
                let pos = (track - thumb) * scroll / max_scroll.max(1);
                let edge = match p.layout.ui {
                    Dir::Ltr => area.x + area.width - 1,
                    Dir::Rtl => area.x,
                };
                for i in 0..thumb {
                    buf.set_string(
                        edge,
                        body_area.y + (pos + i) as u16,
                        "┃",
                        t.dimmed().bg(t.bg),
                    );
                }
            }
            drawn.scroll = scroll as u16;
            drawn.body_rows = rows as u16;
            drawn.body_len = laid.lines.len() as u16;
            drawn.cursor = laid.cursor.and_then(|(col, line)| {
                let row = line.checked_sub(scroll)?;
                (row < rows).then_some((body_area.x + col, body_area.y + row as u16))
            });
        }
    }

    // Snackbar over the bottom of the body.
    if let Some(text) = &p.session.snackbar {
        let room = body_area.width.saturating_sub(2);
        let text = sanitize(text);
        let dir = p.layout.para_dir(&text);
        let lines: Vec<String> = wrap(&text, room)
            .iter()
            .map(|l| p.layout.align(l, dir, room as usize))
            .collect();
        let h = (lines.len() as u16).min(body_area.height);
        let snack = Rect {
            y: body_area.y + body_area.height - h,
            height: h,
            ..body_area
        };
        Clear.render(snack, buf);
        let style = if p.plain {
            Style::new()
        } else {
            Style::new().fg(t.snackbar_fg).bg(t.snackbar_bg)
        };
        buf.set_style(snack, style);
        for (i, l) in lines.iter().enumerate().take(h as usize) {
            buf.set_string(snack.x + 1, snack.y + i as u16, l, style);
        }
    }
    if let Phase::Waiting(w) = &p.session.phase {
        let text = format!(" ⋯ waiting for the endpoint ({}) ", w.request.action);
        let x = body_area.x + body_area.width.saturating_sub(text::width(&text) as u16) / 2;
        buf.set_string(
            x,
            body_area.y,
            truncate(&text, body_area.width as usize),
            Style::new().fg(t.on_accent).bg(t.accent),
        );
    }
    drawn
}

fn footer_height(p: &Phone) -> u16 {
    let captions = p.view.footer.as_ref().is_some_and(|f| {
        ["left-caption", "center-caption", "right-caption"]
            .iter()
            .any(|k| f.props.contains_key(*k))
    });
    let button = if p.view.footer.is_some()
        && matches!(p.session.phase, Phase::Running | Phase::Waiting(_))
    {
        2
    } else {
        0
    };
    1 + button + u16::from(captions && button > 0)
}

fn draw_footer(p: &Phone, area: Rect, buf: &mut Buffer, drawn: &mut Drawn) {
    let t = p.theme;
    let w = area.width as usize;
    let mut y = area.y;
    let running = matches!(p.session.phase, Phase::Running | Phase::Waiting(_));
    if let Some(f) = p.view.footer.as_ref().filter(|_| running) {
        // Captions sit above the button: left and right, or centre only (components.md §5.12;
        // Meta's preview lists "left caption", "right caption", then the button,
        // client-look.md §2c). A right-to-left phone swaps the sides.
        let half = w.saturating_sub(3) / 2;
        let cap = |k: &str, room: usize| {
            f.text(k).map(|s| {
                let s = sanitize(&s);
                p.layout.show(&truncate(&s, room), p.layout.para_dir(&s))
            })
        };
        if let Some(c) = cap("center-caption", w.saturating_sub(2)) {
            buf.set_string(area.x, y, center(&c, w), t.dimmed());
            y += 1;
        } else if let (Some(l), Some(r)) = (cap("left-caption", half), cap("right-caption", half)) {
            let (l, r) = match p.layout.ui {
                Dir::Ltr => (l, r),
                Dir::Rtl => (r, l),
            };
            buf.set_string(area.x + 1, y, &l, t.dimmed());
            buf.set_string(
                area.x + area.width.saturating_sub(text::width(&r) as u16 + 1),
                y,
                &r,
                t.dimmed(),
            );
            y += 1;
        } else if let Some(c) = cap("left-caption", half).or(cap("right-caption", half)) {
            // Not a valid Footer (a caption without its pair), drawn at its start side.
            let x = match p.layout.ui {
                Dir::Ltr => area.x + 1,
                Dir::Rtl => area.x + area.width.saturating_sub(text::width(&c) as u16 + 1),
            };
            buf.set_string(x, y, c, t.dimmed());
            y += 1;
        }
        // `Session::footer_enabled` on the view at hand rather than a fresh one.
        let enabled = f.enabled && missing_required(p.view).is_empty();
        let focused = p.focus == Some(&Target::Footer);
        let waiting = matches!(p.session.phase, Phase::Waiting(_));
        let label = sanitize(&f.text("label").unwrap_or_default());
        let label = if waiting {
            "⋯".to_string()
        } else {
            p.layout.show(
                &truncate(&label, w.saturating_sub(6)),
                p.layout.para_dir(&label),
            )
        };
        let text = if p.plain {
            format!("[ {label} ]")
        } else if focused {
            format!("▸ {label} ◂")
        } else {
            label
        };
        let row = Rect {
            x: area.x + 1,
            y,
            width: area.width.saturating_sub(2),
            height: 1,
        };
        let style = match (p.plain, enabled) {
            (true, _) => Style::new(),
            (false, true) => Style::new()
                .fg(t.on_accent)
                .bg(t.accent)
                .add_modifier(Modifier::BOLD),
            (false, false) => Style::new().fg(t.dim).bg(t.disabled),
        };
        buf.set_style(row, style);
        buf.set_string(row.x, y, center(&text, row.width as usize), style);
        drawn
            .hits
            .push(((row.x, row.y, row.width, 1), Target::Footer));
        y += 2;
    }
    let managed = "Managed by the business. Learn more";
    buf.set_string(
        area.x,
        y.min(area.y + area.height.saturating_sub(1)),
        center(&truncate(managed, w), w),
        t.dimmed(),
    );
}

fn scroll_lines(
    lines: Vec<Line<'static>>,
    area: Rect,
    buf: &mut Buffer,
    scroll: u16,
    drawn: &mut Drawn,
) {
    let max = lines.len().saturating_sub(area.height as usize);
    let scroll = (scroll as usize).min(max);
    for (i, l) in lines
        .iter()
        .skip(scroll)
        .take(area.height as usize)
        .enumerate()
    {
        buf.set_line(area.x, area.y + i as u16, l, area.width);
    }
    drawn.scroll = scroll as u16;
    drawn.body_rows = area.height;
    drawn.body_len = lines.len() as u16;
}

/// A line of flow text in an overlay: cut to `cells`, in display order, a right-to-left one
/// aligned right.
fn overlay_text(p: &Phone, s: &str, cells: usize) -> String {
    let s = sanitize(s);
    let dir = p.layout.para_dir(&s);
    p.layout.align(&truncate(&s, cells), dir, cells)
}

fn list_overlay(p: &Phone, key: &str, cursor: usize, area: Rect, buf: &mut Buffer) {
    let t = p.theme;
    let Some(item) = p.view.items.iter().find(|i| i.key == key) else {
        return;
    };
    let mut lines = vec![
        Line::styled(
            overlay_text(
                p,
                &item.text("label").unwrap_or_default(),
                area.width as usize,
            ),
            t.bold(),
        ),
        Line::raw(""),
    ];
    let selected = item.selected();
    let options = item.list("data-source");
    let rows = area.height.saturating_sub(2) as usize;
    let first = cursor.saturating_sub(rows.saturating_sub(1));
    for (i, o) in options.iter().enumerate().skip(first).take(rows) {
        let id = o.get("id").map(display).unwrap_or_default();
        let on = selected.contains(&id);
        let enabled = o.get("enabled") != Some(&Value::Bool(false));
        let title = sanitize(&o.get("title").map(display).unwrap_or_default());
        let meta = o
            .get("description")
            .or(o.get("metadata"))
            .map(display)
            .map(|s| sanitize(&s))
            .unwrap_or_default();
        let style = if i == cursor {
            t.focus().add_modifier(Modifier::REVERSED)
        } else if !enabled {
            t.dimmed()
        } else {
            t.text()
        };
        let room = area.width as usize - 2;
        let main = truncate(&format!("{title}  {meta}"), room);
        let main = p.layout.show(&main, p.layout.para_dir(&title));
        // The control on the phone's start side, the text beside it.
        let spans = match p.layout.ui {
            Dir::Ltr => vec![
                Span::styled(if on { "◉ " } else { "○ " }, t.accent()),
                Span::styled(main, style),
            ],
            Dir::Rtl => vec![
                Span::raw(" ".repeat(room.saturating_sub(text::width(&main)))),
                Span::styled(main, style),
                Span::styled(if on { " ◉" } else { " ○" }, t.accent()),
            ],
        };
        lines.push(Line::from(spans));
    }
    for (i, l) in lines.iter().enumerate().take(area.height as usize) {
        buf.set_line(area.x, area.y + i as u16, l, area.width);
    }
}

fn calendar_overlay(
    p: &Phone,
    key: &str,
    cursor: jiff::civil::Date,
    start: Option<jiff::civil::Date>,
    area: Rect,
    buf: &mut Buffer,
) {
    let t = p.theme;
    let Some(item) = p.view.items.iter().find(|i| i.key == key) else {
        return;
    };
    let label = match item.props.get("label") {
        Some(Value::Object(m)) => {
            let k = if start.is_some() {
                "end-date"
            } else {
                "start-date"
            };
            m.get(k).map(display).unwrap_or_default()
        }
        _ => item.text("label").unwrap_or_default(),
    };
    let mut lines = vec![Line::styled(
        overlay_text(p, &label, area.width as usize),
        t.bold(),
    )];
    let month = cursor.first_of_month();
    lines.push(Line::from(vec![
        Span::styled("‹ ", t.dimmed()),
        Span::styled(month.strftime("%B %Y").to_string(), t.bold()),
        Span::styled(" ›", t.dimmed()),
    ]));
    lines.push(Line::styled(" Mo Tu We Th Fr Sa Su", t.dimmed()));
    let offset = month.weekday().to_monday_zero_offset() as usize;
    let mut row: Vec<Span<'static>> = vec![Span::raw(" ".repeat(offset * 3))];
    let selected = item.value.as_ref().and_then(|v| match v {
        Value::String(s) => parse_date(s).map(|d| (d, d)),
        Value::Object(r) => {
            let g = |k: &str| r.get(k).and_then(Value::as_str).and_then(parse_date);
            g("start-date").zip(g("end-date"))
        }
        _ => None,
    });
    for day in month
        .series(jiff::Span::new().days(1))
        .take_while(|d| d.month() == month.month())
    {
        let allowed = date_allowed(item, day);
        let in_selection =
            selected.is_some_and(|(a, b)| day >= a && day <= b) || start == Some(day);
        let mut style = if !allowed {
            t.dimmed().add_modifier(Modifier::CROSSED_OUT)
        } else if in_selection {
            Style::new().fg(t.on_accent).bg(t.accent)
        } else {
            t.text()
        };
        if day == cursor {
            style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
        }
        row.push(Span::raw(" "));
        row.push(Span::styled(format!("{:>2}", day.day()), style));
        if weekday_name(day) == "Sun" {
            lines.push(Line::from(std::mem::take(&mut row)));
        }
    }
    if !row.is_empty() {
        lines.push(Line::from(row));
    }
    lines.push(Line::raw(""));
    let hint = if start.is_some() {
        "pick the end date"
    } else {
        "Enter picks · PgUp/PgDn month"
    };
    lines.push(Line::styled(format!("{cursor}  {hint}"), t.dimmed()));
    for (i, l) in lines.iter().enumerate().take(area.height as usize) {
        buf.set_line(area.x, area.y + i as u16, l, area.width);
    }
}

fn path_overlay(p: &Phone, key: &str, input: &LineInput, area: Rect, buf: &mut Buffer) {
    let t = p.theme;
    let Some(item) = p.view.items.iter().find(|i| i.key == key) else {
        return;
    };
    let what = if item.kind == Kind::PhotoPicker {
        "photo"
    } else {
        "file"
    };
    let lines = [
        Line::styled(
            overlay_text(
                p,
                &item.text("label").unwrap_or_default(),
                area.width as usize,
            ),
            t.bold(),
        ),
        Line::raw(""),
        Line::styled(format!("Path of the {what} to attach:"), t.dimmed()),
        Line::styled(format!("> {}", sanitize(input.value())), t.focus()),
        Line::raw(""),
        Line::styled("Enter adds it · Esc cancels", t.dimmed()),
    ];
    for (i, l) in lines.iter().enumerate().take(area.height as usize) {
        buf.set_line(area.x, area.y + i as u16, l, area.width);
    }
}

/// Draws the whole interactive screen: status line, phone, side panel, findings, hint bar.
pub fn draw(frame: &mut Frame, app: &App) -> Drawn {
    let area = frame.area();
    let buf = frame.buffer_mut();
    let t = &app.theme;
    if area.width < 10 || area.height < 8 {
        buf.set_string(area.x, area.y, "flowsim: terminal too small", t.dimmed());
        return Drawn::default();
    }
    // One view of the screen for the whole frame.
    let view = app.view();
    let mode = app.mode_in(&view);
    // Status line.
    let status = status_line(app);
    buf.set_line(area.x, area.y, &status, area.width);
    // Hint bar.
    let hints = hint_line(app, mode);
    buf.set_line(area.x, area.y + area.height - 1, &hints, area.width);
    let mut main = Rect {
        y: area.y + 1,
        height: area.height - 2,
        ..area
    };
    // Findings of a broken save, at the bottom.
    if !app.broken.is_empty() {
        let h = (app.broken.len() as u16 * 2 + 2)
            .min(main.height / 3)
            .max(4);
        let r = Rect {
            y: main.y + main.height - h,
            height: h,
            ..main
        };
        findings_box(app, r, buf);
        main.height -= h;
    }
    // Side panel.
    let want_panel = app.panel;
    let phone_w = app
        .look
        .width()
        .min(main.width)
        .max(MIN_WIDTH.min(main.width));
    let (phone_area, panel_area) = if want_panel && main.width >= phone_w + 30 {
        let panel_w = (main.width - phone_w - 2).min(72);
        (
            Rect {
                x: main.x + 1,
                width: phone_w,
                ..main
            },
            Some(Rect {
                x: main.x + phone_w + 2,
                width: panel_w,
                ..main
            }),
        )
    } else if want_panel {
        (Rect { width: 0, ..main }, Some(main))
    } else {
        (
            Rect {
                x: main.x + (main.width - phone_w) / 2,
                width: phone_w,
                ..main
            },
            None,
        )
    };
    let mut drawn = Drawn::default();
    if phone_area.width > 0 {
        let p = Phone {
            session: &app.session,
            view: &view,
            theme: t,
            focus: app.focus.as_ref(),
            editor: app.editor.as_ref().map(|(k, i)| (k.as_str(), i)),
            carousel: &app.carousel,
            overlay: &app.overlay,
            scroll: app.scroll,
            follow: app.follow,
            plain: false,
            graphics: app.graphics.as_ref(),
            layout: app.look.layout,
            draft: app.look.draft,
        };
        drawn = phone(&p, phone_area, buf);
        if mode == Mode::Text
            && let Some(position) = drawn.cursor
        {
            frame.set_cursor_position(position);
        }
    }
    let buf = frame.buffer_mut();
    if let Some(r) = panel_area {
        panel(app, &view, r, buf);
    }
    if let Overlay::Help { scroll } = &app.overlay {
        drawn.overlay_max = help(t, &app.keymap, *scroll, area, buf);
    }
    if let Overlay::Map { scroll } = &app.overlay {
        drawn.overlay_max = map::map(t, &app.session, *scroll, area, buf);
    }
    if let Overlay::Inspector { selected, scroll } = &app.overlay {
        drawn.overlay_max = inspector(
            app,
            *selected,
            *scroll,
            Rect {
                y: area.y + 1,
                height: area.height - 2,
                ..area
            },
            buf,
        );
    }
    if let Some(stepping) = &app.stepping {
        step_box(app, stepping, area, frame);
    }
    drawn
}

/// The endpoint inspector: every exchange, and the selected one in full. Returns how far its
/// details can scroll (their last page).
fn inspector(app: &App, selected: usize, scroll: u16, area: Rect, buf: &mut Buffer) -> u16 {
    let t = &app.theme;
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
    lines.extend(media::lines(app, selected, details.width));
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
        for f in &x.findings {
            let style = match f.level {
                Level::Error => t.error(),
                Level::Warning => t.text(),
            };
            for w in wrap(
                &format!(
                    "{} {}: {}",
                    level_mark(f.level),
                    f.code,
                    sanitize(&f.message)
                ),
                details.width,
            ) {
                lines.push(Line::styled(w, style));
            }
        }
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
fn level_mark(level: Level) -> &'static str {
    match level {
        Level::Warning => "⚠",
        Level::Error => "✗",
    }
}

/// Step mode's box: the held request or answer, or the JSON editor.
fn step_box(app: &App, stepping: &crate::app::Stepping, area: Rect, frame: &mut Frame) {
    use crate::app::Stepping;
    let t = &app.theme;
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
            frame.render_widget(editor.as_ref(), text_area);
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

fn status_line(app: &App) -> Line<'static> {
    let t = &app.theme;
    let screen = app.session.current().unwrap_or("-").to_string();
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

fn hint_line(app: &App, mode: Mode) -> Line<'static> {
    let t = &app.theme;
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

fn findings_box(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
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
fn panel(app: &App, view: &ScreenView, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.border())
        .title(Span::styled(" side panel ", t.bold()));
    let inner = block.inner(area);
    block.render(area, buf);
    let s = &app.session;
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
        for f in &s.findings {
            let style = match f.level {
                Level::Error => t.error(),
                Level::Warning => t.text(),
            };
            for w in wrap(
                &format!(
                    "{} {}: {}",
                    level_mark(f.level),
                    f.code,
                    sanitize(&f.message)
                ),
                inner.width,
            ) {
                lines.push(Line::styled(w, style));
            }
        }
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
fn wrap_indented(line: &str, width: u16) -> Vec<String> {
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
fn compact_images(line: &str) -> String {
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

/// The keys, scrolled; returns how far they can scroll (their last page).
fn help(t: &Theme, keymap: &Keymap, scroll: u16, area: Rect, buf: &mut Buffer) -> u16 {
    let w = area.width.min(76);
    let h = area.height.saturating_sub(2);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + 1,
        width: w,
        height: h,
    };
    Clear.render(r, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.focus())
        .title(Span::styled(" keys ", t.bold()))
        .title_bottom(Span::styled(" Esc or ? closes ", t.dimmed()));
    let inner = block.inner(r);
    block.style(t.base()).render(r, buf);
    let mut lines = Vec::new();
    for (title, rows) in keymap.help() {
        if rows.is_empty() {
            continue;
        }
        lines.push(Line::styled(title.to_string(), t.focus()));
        for (keys, desc) in rows {
            // Descriptions wrap under themselves, not under the keys.
            let wrapped = wrap(desc, inner.width.saturating_sub(24).max(10));
            for (i, part) in wrapped.into_iter().enumerate() {
                let keys = if i == 0 { keys.as_str() } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {keys:<22}"), t.bold()),
                    Span::styled(part, t.text()),
                ]));
            }
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        "Mouse: click to focus and press; wheel scrolls.",
        t.dimmed(),
    ));
    // The lines are wrapped above, so their number is the height of the text.
    let last = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(inner.height);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll.min(last), 0))
        .render(inner, buf);
    last
}

/// The sample picker of `flowsim` with no arguments. Returns the first row of the list and
/// its length, for mouse hits.
pub fn picker(frame: &mut Frame, cursor: usize) -> (u16, usize) {
    let area = frame.area();
    let buf = frame.buffer_mut();
    let t = Theme::DARK;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                " flowsim ",
                Style::new()
                    .fg(t.on_accent)
                    .bg(t.accent)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled("  WhatsApp Flows in your terminal", t.bold()),
        ]),
        Line::raw(""),
        Line::styled(
            "Pick a sample flow to try (your own: flowsim path/to/flow.json):",
            t.dimmed(),
        ),
        Line::raw(""),
    ];
    let top = area.y + lines.len() as u16;
    for (i, s) in crate::samples::SAMPLES.iter().enumerate() {
        let style = if i == cursor {
            t.focus().add_modifier(Modifier::REVERSED)
        } else {
            t.text()
        };
        lines.push(Line::from(vec![
            Span::styled(if i == cursor { " ▸ " } else { "   " }, t.focus()),
            Span::styled(format!("{:<28}", s.file), style),
            Span::styled(format!(" {}", s.title), t.dimmed()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "↑/↓ move · Enter open · q quit (in a flow: q comes back here)",
        t.dimmed(),
    ));
    Paragraph::new(lines).render(area, buf);
    (top, crate::samples::SAMPLES.len())
}

/// A buffer as plain text, one line per row, trailing spaces removed.
pub fn to_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buf[(x, y)];
            line.push_str(cell.symbol());
            skip = text::width(cell.symbol()).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A buffer as text with ANSI colours (24-bit), for `flowsim render --color always`.
pub fn to_ansi(buf: &Buffer) -> String {
    use ratatui::style::Color;
    let sgr = |c: Color, fg: bool| -> Option<String> {
        match c {
            Color::Rgb(r, g, b) => Some(format!("{};2;{r};{g};{b}", if fg { 38 } else { 48 })),
            _ => None,
        }
    };
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut last: Option<(Color, Color, Modifier)> = None;
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buf[(x, y)];
            let style = (cell.fg, cell.bg, cell.modifier);
            if last != Some(style) {
                let mut codes = vec!["0".to_string()];
                codes.extend(sgr(cell.fg, true));
                codes.extend(sgr(cell.bg, false));
                if cell.modifier.contains(Modifier::BOLD) {
                    codes.push("1".into());
                }
                if cell.modifier.contains(Modifier::DIM) {
                    codes.push("2".into());
                }
                if cell.modifier.contains(Modifier::ITALIC) {
                    codes.push("3".into());
                }
                if cell.modifier.contains(Modifier::UNDERLINED) {
                    codes.push("4".into());
                }
                if cell.modifier.contains(Modifier::REVERSED) {
                    codes.push("7".into());
                }
                if cell.modifier.contains(Modifier::CROSSED_OUT) {
                    codes.push("9".into());
                }
                out.push_str(&format!("\x1b[{}m", codes.join(";")));
                last = Some(style);
            }
            out.push_str(cell.symbol());
            skip = text::width(cell.symbol()).saturating_sub(1);
        }
        out.push_str("\x1b[0m\n");
    }
    out
}

/// Renders one screen of a session as `flowsim render` does: the phone of `look`, or `width`
/// cells wide when given, `height` rows tall, or as tall as the whole scrollable screen when
/// `height` is `None`.
pub fn render_screen(
    session: &Session,
    theme: &Theme,
    look: &device::Look,
    width: Option<u16>,
    height: Option<u16>,
    plain: bool,
) -> Buffer {
    let view = session.view();
    let overlay = Overlay::None;
    let carousel = BTreeMap::new();
    let p = Phone {
        session,
        view: &view,
        theme,
        focus: None,
        editor: None,
        carousel: &carousel,
        overlay: &overlay,
        scroll: 0,
        follow: false,
        plain,
        graphics: None,
        layout: look.layout,
        draft: look.draft,
    };
    let width = width.unwrap_or(look.width()).max(MIN_WIDTH);
    let height = height.unwrap_or_else(|| {
        let ctx = Ctx {
            theme,
            width: width.saturating_sub(4),
            focus: None,
            editor: None,
            carousel: &carousel,
            plain,
            layout: look.layout,
        };
        let rows = match &session.phase {
            Phase::Completed(c) => {
                serde_json::to_string_pretty(&Value::Object(c.response.clone()))
                    .map_or(0, |s| s.lines().count())
                    + 8
            }
            _ => body::body(&view, &ctx).lines.len(),
        };
        // A screen taller than a buffer can be is cut at the largest height, not wrapped.
        u16::try_from(rows)
            .unwrap_or(u16::MAX)
            .saturating_add(4 + u16::from(look.draft) + footer_height(&p))
            .max(8)
    });
    let area = Rect::new(0, 0, width, height.max(8));
    let mut buf = Buffer::empty(area);
    phone(&p, area, &mut buf);
    buf
}
