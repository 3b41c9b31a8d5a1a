//! Overlays: a Dropdown's list, the date pickers' calendar and the file path prompt, drawn
//! over the phone's body as on the phone, and the `?` help over the whole screen.

use super::*;

/// An overlay's heading, a line of flow text in bold: cut to the area's width, in display
/// order, a right-to-left one aligned right.
fn heading(p: &Phone, s: &str, area: Rect) -> Line<'static> {
    let cells = area.width as usize;
    let s = sanitize(s);
    let dir = p.layout.para_dir(&s);
    Line::styled(
        p.layout.align(&truncate(&s, cells), dir, cells),
        p.theme.bold(),
    )
}

/// A Dropdown's list over the body; returns the options' pictures, laid out from the top of
/// `area`, for the phone to paint.
pub(super) fn list_overlay(
    p: &Phone,
    ctx: &Ctx,
    key: &str,
    cursor: usize,
    area: Rect,
    buf: &mut Buffer,
) -> Vec<body::Picture> {
    let Some(item) = p.view.items.iter().find(|i| *i.key == *key) else {
        return Vec::new();
    };
    let mut lines = vec![
        heading(p, &item.text("label").unwrap_or_default(), area),
        Line::raw(""),
    ];
    let selected = item.selected();
    let options: Vec<body::Body> = item
        .list("data-source")
        .into_iter()
        .enumerate()
        .map(|(i, o)| {
            let id = o.get("id").map(display).unwrap_or_default();
            body::list_option(ctx, o, selected.contains(&id), i == cursor)
        })
        .collect();
    // From the first option that still leaves the cursor's whole on screen.
    let rows = area.height.saturating_sub(2) as usize;
    let mut first = cursor.min(options.len().saturating_sub(1));
    let mut used = options.get(first).map_or(0, |o| o.lines.len());
    while first > 0 && used + options[first - 1].lines.len() <= rows {
        first -= 1;
        used += options[first].lines.len();
    }
    let mut pictures = Vec::new();
    for option in options.into_iter().skip(first) {
        if lines.len() >= area.height as usize {
            break;
        }
        let top = lines.len();
        pictures.extend(option.pictures.into_iter().map(|mut pic| {
            pic.top += top;
            pic
        }));
        lines.extend(option.lines);
    }
    for (i, l) in lines.iter().enumerate().take(area.height as usize) {
        buf.set_line(area.x, area.y + i as u16, l, area.width);
    }
    pictures
}

pub(super) fn calendar_overlay(
    p: &Phone,
    key: &str,
    cursor: jiff::civil::Date,
    start: Option<jiff::civil::Date>,
    area: Rect,
    buf: &mut Buffer,
) {
    let t = p.theme;
    let Some(item) = p.view.items.iter().find(|i| *i.key == *key) else {
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
    let mut lines = vec![heading(p, &label, area)];
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

pub(super) fn path_overlay(p: &Phone, key: &str, input: &LineInput, area: Rect, buf: &mut Buffer) {
    let t = p.theme;
    let Some(item) = p.view.items.iter().find(|i| *i.key == *key) else {
        return;
    };
    let what = if item.kind == Kind::PhotoPicker {
        "photo"
    } else {
        "file"
    };
    let lines = [
        heading(p, &item.text("label").unwrap_or_default(), area),
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

/// The keys, scrolled; returns how far they can scroll (their last page).
pub(super) fn help(t: &Theme, keymap: &Keymap, scroll: u16, area: Rect, buf: &mut Buffer) -> u16 {
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
