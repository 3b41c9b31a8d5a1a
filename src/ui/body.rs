//! The phone's scrollable body: every visible component of the screen, drawn as lines.
//! One function per Flow JSON component kind lives in `component`; this is the file to
//! open when adding a component's look.

use std::collections::BTreeMap;

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use serde_json::{Map, Value};
use tui_input::Input as LineInput;
use unicode_width::UnicodeWidthStr;

use super::image;
use super::markdown::{self, MdStyle, wrap};
use super::theme::Theme;
use crate::app::Target;
use flowsim_core::flow::expr::display;
use flowsim_core::flow::spec::Kind;
use flowsim_core::sim::checks::parse_date;
use flowsim_core::sim::{Item, ScreenView};
use flowsim_core::text::sanitize;

/// What the body needs to know besides the view.
pub struct Ctx<'a> {
    pub theme: &'a Theme,
    /// Inner width in cells.
    pub width: u16,
    pub focus: Option<&'a Target>,
    /// The text field being edited: key and cursor state.
    pub editor: Option<(&'a str, &'a LineInput)>,
    pub carousel: &'a BTreeMap<String, usize>,
    /// No colours: draw pictures as `[image: alt]` and buttons with brackets.
    pub plain: bool,
}

/// A focusable region: lines `top..top + height`, columns `x..x + width` of the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub target: Target,
    pub top: usize,
    pub height: usize,
    pub x: u16,
    pub width: u16,
}

/// Where a picture was drawn as half-blocks: lines `top..top + height`, columns
/// `x..x + width`, so a graphics protocol can draw the real picture over it.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub src: String,
    pub top: usize,
    pub height: usize,
    pub x: u16,
    pub width: u16,
}

/// The body, laid out.
#[derive(Debug, Default)]
pub struct Body {
    pub lines: Vec<Line<'static>>,
    pub regions: Vec<Region>,
    pub pictures: Vec<Picture>,
    /// The text cursor: column and line.
    pub cursor: Option<(u16, usize)>,
}

impl Body {
    fn push(&mut self, line: Line<'static>) {
        self.lines.push(line);
    }

    fn region(&mut self, target: Target, top: usize) {
        let height = self.lines.len().saturating_sub(top).max(1);
        self.regions.push(Region {
            target,
            top,
            height,
            x: 0,
            width: u16::MAX,
        });
    }

    /// The focused region's lines.
    pub fn focus_lines(&self, focus: Option<&Target>) -> Option<(usize, usize)> {
        let f = focus?;
        self.regions
            .iter()
            .find(|r| &r.target == f)
            .map(|r| (r.top, r.top + r.height))
    }
}

/// Lays out every visible component of the view (the Footer is drawn by the frame).
pub fn body(view: &ScreenView, ctx: &Ctx) -> Body {
    let mut b = Body::default();
    for (i, item) in view.items.iter().enumerate() {
        if i > 0 {
            b.push(Line::raw(""));
        }
        component(&mut b, item, ctx);
    }
    b
}

/// Draws one component. The per-kind looks follow components.md §8 and Meta's previews.
fn component(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    match item.kind {
        Kind::TextHeading => text(b, item, ctx, t.bold()),
        Kind::TextSubheading => text(b, item, ctx, t.bold()),
        Kind::TextBody | Kind::TextCaption => {
            let mut style = if item.kind == Kind::TextCaption {
                t.dimmed()
            } else {
                t.text()
            };
            match item.text("font-weight").as_deref() {
                Some("bold") => style = style.add_modifier(Modifier::BOLD),
                Some("italic") => style = style.add_modifier(Modifier::ITALIC),
                Some("bold_italic") => {
                    style = style.add_modifier(Modifier::BOLD | Modifier::ITALIC)
                }
                _ => {}
            }
            if item.bool("strikethrough", false) {
                style = style.add_modifier(Modifier::CROSSED_OUT);
            }
            if item.bool("markdown", false) {
                let lines = text_lines(item);
                b.lines.extend(markdown::render(
                    &lines,
                    ctx.width,
                    false,
                    &md_style(t, style),
                ));
            } else {
                text(b, item, ctx, style);
            }
        }
        Kind::RichText => {
            let lines = text_lines(item);
            b.lines.extend(markdown::render(
                &lines,
                ctx.width,
                true,
                &md_style(t, t.text()),
            ));
        }
        Kind::TextInput | Kind::TextArea => text_field(b, item, ctx),
        Kind::Dropdown => {
            let selected = item.selected();
            let title = item
                .list("data-source")
                .into_iter()
                .find(|o| o.get("id").map(display).as_ref() == selected.first())
                .and_then(|o| o.get("title").map(display));
            field_box(
                b,
                item,
                ctx,
                title.map(|t| vec![t]),
                "▾",
                Target::Field(item.key.clone()),
            );
        }
        Kind::DatePicker => {
            let value = item.value.as_ref().map(display).map(|v| pretty_date(&v));
            field_box(
                b,
                item,
                ctx,
                value.map(|v| vec![v]),
                "▦",
                Target::Field(item.key.clone()),
            );
        }
        Kind::CalendarPicker => calendar_field(b, item, ctx),
        Kind::RadioButtonsGroup | Kind::CheckboxGroup => options(b, item, ctx),
        Kind::ChipsSelector => chips(b, item, ctx),
        Kind::OptIn => opt_in(b, item, ctx),
        Kind::EmbeddedLink => {
            let top = b.lines.len();
            let focused = ctx.focus == Some(&Target::Link(item.key.clone()));
            let style = if focused {
                t.link().add_modifier(Modifier::BOLD)
            } else {
                t.link()
            };
            for l in wrap(
                &sanitize(&item.text("text").unwrap_or_default()),
                ctx.width.saturating_sub(2),
            ) {
                b.push(Line::from(vec![
                    marker(focused, ctx),
                    Span::styled(l, style),
                ]));
            }
            b.region(Target::Link(item.key.clone()), top);
        }
        Kind::Image => picture(
            b,
            item,
            ctx,
            item.text("src").unwrap_or_default(),
            item.text("alt-text"),
        ),
        Kind::ImageCarousel => carousel(b, item, ctx),
        Kind::NavigationList => navigation_list(b, item, ctx),
        Kind::PhotoPicker | Kind::DocumentPicker => media_picker(b, item, ctx),
        Kind::Footer | Kind::If | Kind::Switch | Kind::Form => {}
    }
}

fn md_style(t: &Theme, base: Style) -> MdStyle {
    MdStyle {
        base,
        heading1: t.bold(),
        heading2: t.bold(),
        link: t.link(),
        dim: t.dimmed(),
        table_border: t.border(),
    }
}

/// `text` as lines: an array of strings stays line by line.
fn text_lines(item: &Item) -> Vec<String> {
    match item.props.get("text") {
        Some(Value::Array(lines)) => lines.iter().map(display).collect(),
        Some(v) => vec![display(v)],
        None => Vec::new(),
    }
}

fn text(b: &mut Body, item: &Item, ctx: &Ctx, style: Style) {
    // A line break in the text is a line break on the phone.
    for line in text_lines(item).iter().flat_map(|l| l.split('\n')) {
        let wrapped = wrap(&sanitize(line), ctx.width);
        if wrapped.is_empty() {
            b.push(Line::raw(""));
        }
        for l in wrapped {
            b.push(Line::styled(l, style));
        }
    }
}

/// A two-cell focus marker at the start of a line.
fn marker(focused: bool, ctx: &Ctx) -> Span<'static> {
    if focused {
        Span::styled("▌ ", ctx.theme.focus())
    } else {
        Span::raw("  ")
    }
}

fn label_text(item: &Item) -> String {
    let label = match item.props.get("label") {
        Some(Value::Object(range)) => range.values().map(display).collect::<Vec<_>>().join(" – "),
        _ => item.text("label").unwrap_or_default(),
    };
    let label = sanitize(&label);
    if item.kind.is_input() && !item.required && item.kind != Kind::OptIn {
        format!("{label} (optional)")
    } else {
        label
    }
}

/// Helper text or error under a field.
fn below(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    if let Some(err) = &item.error {
        for l in wrap(&sanitize(err), ctx.width.saturating_sub(1)) {
            b.push(Line::styled(format!(" {l}"), t.error()));
        }
    } else if let Some(help) = helper(item) {
        for l in wrap(&sanitize(&help), ctx.width.saturating_sub(1)) {
            b.push(Line::styled(format!(" {l}"), t.dimmed()));
        }
    }
}

fn helper(item: &Item) -> Option<String> {
    match item.props.get("helper-text") {
        Some(Value::Object(range)) => {
            Some(range.values().map(display).collect::<Vec<_>>().join(" · "))
        }
        Some(_) => item.text("helper-text"),
        None => None,
    }
}

/// A bordered field with the label in its top border, as Android's outlined fields.
fn field_box(
    b: &mut Body,
    item: &Item,
    ctx: &Ctx,
    content: Option<Vec<String>>,
    icon: &str,
    target: Target,
) {
    let t = ctx.theme;
    let focused = ctx.focus == Some(&target);
    let border = if item.error.is_some() {
        t.error()
    } else if focused {
        t.focus()
    } else {
        t.border()
    };
    let w = ctx.width.max(8) as usize;
    let top = b.lines.len();
    let large = item.text("label-variant").as_deref() == Some("large");
    let label = label_text(item);
    let label_style = if !item.enabled {
        t.dimmed()
    } else if focused {
        t.focus()
    } else {
        t.dimmed()
    };
    let title = if large {
        for l in wrap(&label, ctx.width) {
            b.push(Line::styled(l, t.bold()));
        }
        String::new()
    } else {
        truncate(&label, w.saturating_sub(6))
    };
    let title_w = title.width();
    let mut head = vec![Span::styled("╭", border)];
    if title_w > 0 {
        head.push(Span::styled("─ ", border));
        head.push(Span::styled(title, label_style));
        head.push(Span::styled(" ", border));
        head.push(Span::styled(
            "─".repeat(w.saturating_sub(title_w + 5)),
            border,
        ));
    } else {
        head.push(Span::styled("─".repeat(w - 2), border));
    }
    head.push(Span::styled("╮", border));
    b.push(Line::from(head));
    let rows = content.unwrap_or_default();
    let rows = if rows.is_empty() {
        vec![String::new()]
    } else {
        rows
    };
    let icon_w = icon.width();
    for (i, row) in rows.iter().enumerate() {
        let room = w.saturating_sub(4 + if icon_w > 0 { icon_w + 1 } else { 0 });
        let shown = truncate(row, room);
        let pad = room.saturating_sub(shown.width());
        let value_style = if item.enabled { t.text() } else { t.dimmed() };
        let mut spans = vec![
            Span::styled("│ ", border),
            Span::styled(shown, value_style),
            Span::raw(" ".repeat(pad)),
        ];
        if i == 0 && icon_w > 0 {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(icon.to_string(), t.dimmed()));
        } else {
            spans.push(Span::raw(" ".repeat(icon_w + usize::from(icon_w > 0))));
        }
        spans.push(Span::styled(" │", border));
        b.push(Line::from(spans));
    }
    b.push(Line::from(vec![
        Span::styled("╰", border),
        Span::styled("─".repeat(w - 2), border),
        Span::styled("╯", border),
    ]));
    below(b, item, ctx);
    b.region(target, top);
}

fn text_field(b: &mut Body, item: &Item, ctx: &Ctx) {
    let target = Target::Field(item.key.clone());
    let masked = matches!(
        item.text("input-type").as_deref(),
        Some("password" | "passcode")
    );
    let editing = ctx.editor.filter(|(k, _)| *k == item.key).map(|(_, i)| i);
    let value = match editing {
        Some(input) => input.value().to_string(),
        None => item.value.as_ref().map(display).unwrap_or_default(),
    };
    let shown = if masked {
        "•".repeat(value.chars().count())
    } else {
        sanitize(&value)
    };
    let room = (ctx.width as usize).saturating_sub(5).max(1);
    let (rows, cursor) = if item.kind == Kind::TextArea {
        let mut rows: Vec<String> = shown
            .split('\n')
            .flat_map(|l| {
                let w = wrap(l, room as u16);
                if w.is_empty() { vec![String::new()] } else { w }
            })
            .collect();
        while rows.len() < 3 {
            rows.push(String::new());
        }
        let cursor = editing.map(|_| {
            let last = shown.split('\n').next_back().unwrap_or("");
            let wrapped = wrap(last, room as u16);
            let col = wrapped.last().map_or(0, |l| l.width());
            let line = shown
                .split('\n')
                .map(|l| wrap(l, room as u16).len().max(1))
                .sum::<usize>()
                - 1;
            (col as u16, line)
        });
        (rows, cursor)
    } else {
        // One line, scrolled so the cursor stays visible.
        let (text, col) = match editing {
            Some(input) => {
                let scroll = input.visual_scroll(room);
                let cursor = input.visual_cursor();
                let visible: String = {
                    let mut w = 0;
                    let mut out = String::new();
                    for c in shown.chars() {
                        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                        if w >= scroll && w + cw <= scroll + room {
                            out.push(c);
                        }
                        w += cw;
                    }
                    out
                };
                (visible, Some((cursor.saturating_sub(scroll)) as u16))
            }
            None => (shown, None),
        };
        (vec![text], col.map(|c| (c, 0)))
    };
    let large = item.text("label-variant").as_deref() == Some("large");
    let label_lines = if large {
        wrap(&label_text(item), ctx.width).len()
    } else {
        0
    };
    let top = b.lines.len();
    field_box(b, item, ctx, Some(rows), "", target);
    if let Some((col, line)) = cursor {
        b.cursor = Some((2 + col, top + label_lines + 1 + line));
    }
}

fn pretty_date(value: &str) -> String {
    match parse_date(value) {
        Some(d) => d.strftime("%a, %-d %b %Y").to_string(),
        None => value.to_string(),
    }
}

fn calendar_field(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    let range = item.text("mode").as_deref() == Some("range");
    if !range {
        let value = item.value.as_ref().map(display).map(|v| pretty_date(&v));
        field_box(
            b,
            item,
            ctx,
            value.map(|v| vec![v]),
            "▦",
            Target::Field(item.key.clone()),
        );
        return;
    }
    for key in ["title", "description"] {
        if let Some(s) = item.text(key) {
            let style = if key == "title" { t.bold() } else { t.dimmed() };
            for l in wrap(&sanitize(&s), ctx.width) {
                b.push(Line::styled(l, style));
            }
        }
    }
    let get = |k: &str| {
        item.value
            .as_ref()
            .and_then(|v| v.get(k))
            .map(display)
            .map(|v| pretty_date(&v))
            .unwrap_or_default()
    };
    let labels = match item.props.get("label") {
        Some(Value::Object(m)) => (
            m.get("start-date")
                .map(display)
                .unwrap_or_else(|| "Start".into()),
            m.get("end-date")
                .map(display)
                .unwrap_or_else(|| "End".into()),
        ),
        _ => (
            "Start".into(),
            item.text("label").unwrap_or_else(|| "End".into()),
        ),
    };
    let mut shown = item.clone();
    shown.props.insert(
        "label".into(),
        Value::String(format!("{} → {}", labels.0, labels.1)),
    );
    let value = if item.value.is_some() {
        Some(vec![format!("{} → {}", get("start-date"), get("end-date"))])
    } else {
        None
    };
    field_box(b, &shown, ctx, value, "▦", Target::Field(item.key.clone()));
}

fn option_title(o: &Map<String, Value>) -> String {
    sanitize(&o.get("title").map(display).unwrap_or_default())
}

fn group_header(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    let label = label_text(item);
    if !label.is_empty() {
        for l in wrap(&label, ctx.width) {
            b.push(Line::styled(
                l,
                if item.enabled { t.bold() } else { t.dimmed() },
            ));
        }
    }
    if let Some(d) = item.text("description") {
        for l in wrap(&sanitize(&d), ctx.width) {
            b.push(Line::styled(l, t.dimmed()));
        }
    }
}

fn options(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    group_header(b, item, ctx);
    let selected = item.selected();
    let radio = item.kind == Kind::RadioButtonsGroup;
    for o in item.list("data-source") {
        let id = o.get("id").map(display).unwrap_or_default();
        let target = Target::Option {
            key: item.key.clone(),
            id: id.clone(),
        };
        let focused = ctx.focus == Some(&target);
        let on = selected.contains(&id);
        let enabled = item.enabled && o.get("enabled") != Some(&Value::Bool(false));
        let mark = match (radio, on) {
            (true, true) => "◉",
            (true, false) => "○",
            (false, true) => "☑",
            (false, false) => "☐",
        };
        let mark_style = if !enabled {
            t.dimmed()
        } else if on || focused {
            t.focus()
        } else {
            t.dimmed()
        };
        let title_style = if !enabled {
            t.dimmed()
        } else if focused {
            t.focus()
        } else {
            t.text()
        };
        let top = b.lines.len();
        let thumb = o.get("image").is_some();
        let metadata = o
            .get("metadata")
            .map(display)
            .map(|m| sanitize(&m))
            .unwrap_or_default();
        let indent = if thumb { 7 } else { 4 };
        let room = (ctx.width as usize).saturating_sub(indent + metadata.width() + 1);
        let title_lines = wrap(&option_title(o), room.max(4) as u16);
        for (i, l) in title_lines.iter().enumerate() {
            let mut spans = vec![marker(focused && i == 0, ctx)];
            if i == 0 {
                spans.push(Span::styled(format!("{mark} "), mark_style));
                if thumb {
                    spans.push(Span::styled("▣  ", t.accent()));
                }
            } else {
                spans.push(Span::raw(" ".repeat(indent - 2)));
            }
            spans.push(Span::styled(l.clone(), title_style));
            if i == 0 && !metadata.is_empty() {
                let used = indent + l.width();
                spans.push(Span::raw(" ".repeat(
                    (ctx.width as usize).saturating_sub(used + metadata.width()),
                )));
                spans.push(Span::styled(metadata.clone(), t.dimmed()));
            }
            b.push(Line::from(spans));
        }
        if let Some(d) = o.get("description").map(display) {
            for l in wrap(
                &sanitize(&d),
                (ctx.width as usize).saturating_sub(indent) as u16,
            ) {
                b.push(Line::from(vec![
                    Span::raw(" ".repeat(indent)),
                    Span::styled(l, t.dimmed()),
                ]));
            }
        }
        b.region(target, top);
    }
    below(b, item, ctx);
}

fn chips(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    group_header(b, item, ctx);
    let selected = item.selected();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0usize;
    let mut pending: Vec<(Target, u16, u16)> = Vec::new();
    let flush = |b: &mut Body,
                 line: &mut Vec<Span<'static>>,
                 pending: &mut Vec<(Target, u16, u16)>,
                 used: &mut usize| {
        let row = b.lines.len();
        b.push(Line::from(std::mem::take(line)));
        for (target, x, w) in pending.drain(..) {
            b.regions.push(Region {
                target,
                top: row,
                height: 1,
                x,
                width: w,
            });
        }
        *used = 0;
    };
    for o in item.list("data-source") {
        let id = o.get("id").map(display).unwrap_or_default();
        let target = Target::Option {
            key: item.key.clone(),
            id: id.clone(),
        };
        let focused = ctx.focus == Some(&target);
        let on = selected.contains(&id);
        let label = if ctx.plain {
            format!(
                "{}{}{}",
                if on { "[✓ " } else { "( " },
                option_title(o),
                if on { "]" } else { " )" }
            )
        } else {
            format!(" {}{} ", if on { "✓ " } else { "" }, option_title(o))
        };
        let w = label.width();
        if used > 0 && used + 1 + w > ctx.width as usize {
            flush(b, &mut line, &mut pending, &mut used);
        }
        if used > 0 {
            line.push(Span::raw(" "));
            used += 1;
        }
        let mut style = if on {
            Style::new().fg(t.fg).bg(t.chip)
        } else {
            Style::new().fg(t.fg).bg(t.bar)
        };
        if focused {
            style = style
                .fg(t.accent)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        }
        if o.get("enabled") == Some(&Value::Bool(false)) || !item.enabled {
            style = style.fg(t.dim);
        }
        pending.push((target, used as u16, w as u16));
        line.push(Span::styled(label, style));
        used += w;
    }
    if !line.is_empty() {
        flush(b, &mut line, &mut pending, &mut used);
    }
    below(b, item, ctx);
}

fn opt_in(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    let on = item.value == Some(Value::Bool(true));
    let target = Target::Field(item.key.clone());
    let focused = ctx.focus == Some(&target);
    let mark = if on { "☑" } else { "☐" };
    let top = b.lines.len();
    let lines = wrap(&label_text(item), ctx.width.saturating_sub(4));
    for (i, l) in lines.iter().enumerate() {
        let mut spans = vec![marker(focused && i == 0, ctx)];
        spans.push(if i == 0 {
            Span::styled(
                format!("{mark} "),
                if on || focused { t.focus() } else { t.dimmed() },
            )
        } else {
            Span::raw("  ")
        });
        spans.push(Span::styled(
            l.clone(),
            if focused { t.focus() } else { t.text() },
        ));
        b.push(Line::from(spans));
    }
    b.region(target, top);
    if item.actions.contains_key("on-click-action") {
        let target = Target::ReadMore(item.key.clone());
        let focused = ctx.focus == Some(&target);
        let top = b.lines.len();
        let style = if focused {
            t.link().add_modifier(Modifier::BOLD)
        } else {
            t.link()
        };
        b.push(Line::from(vec![
            marker(focused, ctx),
            Span::raw("  "),
            Span::styled("Read more", style),
        ]));
        b.region(target, top);
    }
    below(b, item, ctx);
}

fn picture(b: &mut Body, item: &Item, ctx: &Ctx, src: String, alt: Option<String>) {
    let t = ctx.theme;
    let alt = alt.map(|a| sanitize(&a)).unwrap_or_else(|| "image".into());
    let w = ctx.width;
    // Meta's phone is about 360 dp wide: scale dp to cells, two pixel rows per cell.
    let cols = item.int("width").map_or(w, |px| {
        ((px.max(1) as u64 * w as u64 / 360) as u16).clamp(4, w)
    });
    let rows = item.int("height").map_or(12, |px| {
        ((px.max(1) as u64 * w as u64 / 360 / 2) as u16).clamp(2, 24)
    });
    let cover = (item.text("scale-type").as_deref() == Some("cover"))
        .then_some(cols as f64 / (rows as f64 * 2.0));
    let drawn = if ctx.plain {
        None
    } else {
        image::halfblocks(&src, cols, rows, cover, bg(t))
    };
    match drawn {
        Some(lines) => push_picture(b, src.clone(), lines, w),
        None => {
            let label = format!("[image: {alt}]");
            b.push(Line::styled(
                center(&truncate(&label, w as usize), w as usize),
                t.dimmed(),
            ));
        }
    }
}

/// Centres half-block picture lines in the body and remembers where they went.
fn push_picture(b: &mut Body, src: String, lines: Vec<Line<'static>>, width: u16) {
    let picture_width = lines.first().map_or(0, |l| l.width() as u16);
    let pad = width.saturating_sub(picture_width) / 2;
    let top = b.lines.len();
    let height = lines.len();
    for l in lines {
        let mut spans = vec![Span::raw(" ".repeat(pad as usize))];
        spans.extend(l.spans);
        b.push(Line::from(spans));
    }
    b.pictures.push(Picture {
        src,
        top,
        height,
        x: pad,
        width: picture_width,
    });
}

pub(crate) fn bg(t: &Theme) -> (u8, u8, u8) {
    match t.bg {
        ratatui::style::Color::Rgb(r, g, b) => (r, g, b),
        _ => (0, 0, 0),
    }
}

fn carousel(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    let images = item.list("images");
    if images.is_empty() {
        return;
    }
    let index = ctx.carousel.get(&item.key).copied().unwrap_or(0) % images.len();
    let image = images[index];
    let top = b.lines.len();
    let target = Target::Field(item.key.clone());
    let focused = ctx.focus == Some(&target);
    let ratio = if item.text("aspect-ratio").as_deref() == Some("16:9") {
        16.0 / 9.0
    } else {
        4.0 / 3.0
    };
    let rows = ((ctx.width as f64 / ratio) / 2.0).round().clamp(2.0, 20.0) as u16;
    let cover = (item.text("scale-type").as_deref() == Some("cover")).then_some(ratio);
    let src = image.get("src").map(display).unwrap_or_default();
    let alt = image.get("alt-text").map(display);
    let drawn = if ctx.plain {
        None
    } else {
        image::halfblocks(&src, ctx.width, rows, cover, bg(t))
    };
    match drawn {
        Some(lines) => push_picture(b, src.clone(), lines, ctx.width),
        None => {
            let label = format!(
                "[image {}/{}: {}]",
                index + 1,
                images.len(),
                sanitize(&alt.unwrap_or_default())
            );
            b.push(Line::styled(
                center(&truncate(&label, ctx.width as usize), ctx.width as usize),
                t.dimmed(),
            ));
        }
    }
    let dots: String = (0..images.len())
        .map(|i| if i == index { "●" } else { "○" })
        .collect::<Vec<_>>()
        .join(" ");
    let dots = if focused {
        format!("‹ {dots} ›")
    } else {
        dots
    };
    b.push(Line::styled(
        center(&dots, ctx.width as usize),
        if focused { t.focus() } else { t.dimmed() },
    ));
    b.region(target, top);
}

fn navigation_list(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    for (key, style) in [("label", t.bold()), ("description", t.dimmed())] {
        if let Some(s) = item.text(key) {
            let limit = if key == "label" { 80 } else { 300 };
            for l in wrap(&truncate(&sanitize(&s), limit), ctx.width) {
                b.push(Line::styled(l, style));
            }
        }
    }
    let w = ctx.width as usize;
    // Items past 20 are not rendered (components.md §5.21).
    for li in item.list("list-items").into_iter().take(20) {
        let id = li.get("id").map(display).unwrap_or_default();
        let target = Target::ListItem {
            key: item.key.clone(),
            id,
        };
        let focused = ctx.focus == Some(&target);
        let top = b.lines.len();
        let part = |obj: &str, k: &str| {
            li.get(obj)
                .and_then(|m| m.get(k))
                .map(display)
                .map(|s| sanitize(&s))
        };
        let title = part("main-content", "title").unwrap_or_default();
        let end_title = part("end", "title").unwrap_or_default();
        let lead = if li.get("start").is_some() {
            "▣ "
        } else {
            ""
        };
        let room = w.saturating_sub(2 + lead.width() + end_title.width() + 3);
        let title_style = if focused { t.focus() } else { t.bold() };
        let mut first = vec![
            marker(focused, ctx),
            Span::styled(lead.to_string(), t.accent()),
            Span::styled(truncate(&title, room), title_style),
        ];
        let used = 2 + lead.width() + truncate(&title, room).width();
        first.push(Span::raw(
            " ".repeat(w.saturating_sub(used + end_title.width() + 2)),
        ));
        first.push(Span::styled(end_title, t.text()));
        first.push(Span::styled(" ›", t.dimmed()));
        b.push(Line::from(first));
        let indent = 2 + lead.width();
        for (k, obj) in [
            ("description", "main-content"),
            ("metadata", "main-content"),
        ] {
            if let Some(s) = part(obj, k) {
                let end = if k == "description" {
                    part("end", "description")
                } else {
                    part("end", "metadata")
                }
                .unwrap_or_default();
                let room = w.saturating_sub(indent + end.width() + 3);
                let text = truncate(&s, room);
                let pad = w.saturating_sub(indent + text.width() + end.width() + 2);
                b.push(Line::from(vec![
                    Span::raw(" ".repeat(indent)),
                    Span::styled(text, t.dimmed()),
                    Span::raw(" ".repeat(pad)),
                    Span::styled(end, t.dimmed()),
                ]));
            }
        }
        let mut tags: Vec<Span<'static>> = vec![Span::raw(" ".repeat(indent))];
        if let Some(badge) = li.get("badge").map(display) {
            tags.push(Span::styled(
                format!(" {} ", sanitize(&badge)),
                Style::new().fg(t.on_accent).bg(t.accent),
            ));
            tags.push(Span::raw(" "));
        }
        if let Some(Value::Array(list)) = li.get("tags") {
            for tag in list.iter().take(3) {
                tags.push(Span::styled(
                    format!(" {} ", sanitize(&display(tag))),
                    Style::new().fg(t.fg).bg(t.bar),
                ));
                tags.push(Span::raw(" "));
            }
        }
        if tags.len() > 1 {
            b.push(Line::from(tags));
        }
        b.region(target, top);
        b.push(Line::styled("─".repeat(w), t.border()));
    }
}

fn media_picker(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    group_header(b, item, ctx);
    let target = Target::Field(item.key.clone());
    let focused = ctx.focus == Some(&target);
    let files = item
        .value
        .as_ref()
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for f in &files {
        let name = sanitize(&f.get("file_name").map(display).unwrap_or_default());
        let size = f
            .get("size")
            .and_then(Value::as_u64)
            .map(human_size)
            .unwrap_or_default();
        b.push(Line::from(vec![
            Span::raw("  "),
            Span::styled("▪ ", t.accent()),
            Span::styled(
                truncate(&name, (ctx.width as usize).saturating_sub(14)),
                t.text(),
            ),
            Span::styled(format!("  {size}"), t.dimmed()),
        ]));
    }
    let top = b.lines.len();
    let what = if item.kind == Kind::PhotoPicker {
        match item.text("photo-source").as_deref() {
            Some("camera") => "Take photo",
            Some("gallery") => "Choose from gallery",
            _ => "Take or choose photo",
        }
    } else {
        "Choose file"
    };
    let style = if !item.enabled {
        t.dimmed()
    } else if focused {
        t.focus()
    } else {
        t.accent()
    };
    b.push(Line::from(vec![
        marker(focused, ctx),
        Span::styled(format!("＋ {what}"), style),
    ]));
    b.region(target, top);
    below(b, item, ctx);
}

fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    }
}

/// Cuts text to a display width, with an ellipsis when cut.
pub fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

pub fn center(s: &str, width: usize) -> String {
    let pad = width.saturating_sub(s.width()) / 2;
    format!("{}{s}", " ".repeat(pad))
}
