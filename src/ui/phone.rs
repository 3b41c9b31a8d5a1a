//! The phone: its frame, top bar and progress, the body the engine's view fills, the
//! footer, and the overlays drawn over the body. Shared by the preview and `flowsim render`.

use super::body::Picture;
use super::image::Placed;
use super::overlays::{calendar_overlay, list_overlay, path_overlay};
use super::panel::{compact_images, wrap_indented};
use super::*;

/// Everything the phone drawing reads.
pub struct Phone<'a> {
    pub session: &'a Session,
    /// The session's current view (`session.view()`).
    pub view: &'a ScreenView,
    pub theme: &'a Theme,
    pub focus: Option<&'a Target>,
    pub editor: Option<(&'a str, &'a LineInput)>,
    pub carousel: &'a BTreeMap<std::sync::Arc<str>, usize>,
    pub overlay: &'a Overlay,
    /// Requested scroll offset and whether to follow the focus.
    pub scroll: u16,
    pub follow: bool,
    pub plain: bool,
    /// Real pictures through the terminal's graphics protocol, when it has one: encoded as
    /// their half-blocks are painted, drawn by [`image::Graphics::draw`] after everything else.
    pub graphics: Option<&'a image::Graphics>,
    /// Components laid out by earlier frames (see [`body::Layouts`]).
    pub layouts: &'a body::Layouts,
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
    // The edges by the screen they leave (a stable sort: each screen's edges keep their
    // order), so a screen's way on is a binary search, not a pass over every edge.
    let mut edges: Vec<(&str, &str)> = flow
        .edges()
        .iter()
        .map(|(from, to)| (from.as_str(), to.as_str()))
        .collect();
    edges.sort_by_key(|&(from, _)| from);
    // The longest path (in screens) from `id` to a screen with no way on, memoised (a flow
    // can branch at every screen); loops are invalid flows, cut by not revisiting a screen.
    fn longest<'a>(
        id: &'a str,
        edges: &[(&'a str, &'a str)],
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
        let first = edges.partition_point(|&(from, _)| from < id);
        let best = edges[first..]
            .iter()
            .take_while(|&&(from, _)| from == id)
            .map(|&(_, to)| longest(to, edges, seen, memo))
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

/// Draws the phone into `area` (its full rectangle, border included). Pictures are drawn as
/// half-blocks; with [`Phone::graphics`], those wholly shown are returned too, for the
/// terminal's graphics protocol to draw over once everything else is drawn.
pub fn phone(p: &Phone, area: Rect, buf: &mut Buffer) -> (Drawn, Vec<Placed>) {
    let t = p.theme;
    let mut drawn = Drawn::default();
    let mut placed = Vec::new();
    if area.width < 8 || area.height < 6 {
        return (drawn, placed);
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
        item_image_kb: spec::item_image_limit_kb(p.session.flow.version),
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
        (_, Overlay::List { key, cursor }) => {
            let pictures = list_overlay(p, &ctx, key, *cursor, body_area, buf);
            let pictures = pictures.iter().map(|pic| (pic.top, pic));
            paint_pictures(p, pictures, body_area, 0, buf, &mut placed);
        }
        (_, Overlay::Calendar { key, cursor, start }) => {
            calendar_overlay(p, key, *cursor, *start, body_area, buf)
        }
        (_, Overlay::Path { key, input }) => path_overlay(p, key, input, body_area, buf),
        _ => {
            let laid = body::body(p.view, &ctx, p.layouts);
            let rows = body_area.height as usize;
            let max_scroll = laid.height().saturating_sub(rows);
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
            for (n, line) in laid.lines(scroll..scroll + rows) {
                let y = body_area.y + (n - scroll) as u16;
                buf.set_line(body_area.x, y, line, body_area.width);
            }
            paint_pictures(p, laid.pictures(), body_area, scroll, buf, &mut placed);
            for (r_top, r) in laid.regions() {
                let (top, bottom) = (
                    r_top as i64 - scroll as i64,
                    (r_top + r.height) as i64 - scroll as i64,
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
            if laid.height() > rows && rows > 0 && !p.plain {
                // A thin scroll indicator on the frame's right edge.
                let track = body_area.height as usize;
                let thumb = (track * rows / laid.height()).max(1);
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
            drawn.body_len = laid.height() as u16;
            drawn.cursor = laid.cursor().and_then(|(col, line)| {
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
    (drawn, placed)
}

/// Paints the pictures of lines `scroll..` laid out for `area`; those wholly shown are noted
/// in `placed` when the terminal draws real pictures. A picture partly scrolled out stays in
/// half-blocks: a graphics protocol would draw all of it.
fn paint_pictures<'a>(
    p: &Phone,
    pictures: impl Iterator<Item = (usize, &'a Picture)>,
    area: Rect,
    scroll: usize,
    buf: &mut Buffer,
    placed: &mut Vec<Placed>,
) {
    let rows = usize::from(area.height);
    for (top, pic) in pictures {
        let start = top.max(scroll);
        let end = (top + pic.height).min(scroll + rows);
        if start >= end || pic.x >= area.width {
            continue;
        }
        let at = (area.x + pic.x, area.y + (start - scroll) as u16);
        let painted = pic.paint(p.theme, at, start - top..end - top, buf);
        if let Some(g) = p.graphics
            && painted
            && end - start == pic.height
        {
            let shown = Rect::new(
                at.0,
                at.1,
                pic.width.min(area.width - pic.x),
                pic.height as u16,
            );
            let cover = pic.fit.cover.is_some();
            g.prepare(&pic.src, shown.as_size(), cover);
            placed.push(Placed::new(pic.src.clone(), shown, cover, buf));
        }
    }
}

pub(super) fn footer_height(p: &Phone) -> u16 {
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
