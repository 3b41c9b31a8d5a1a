//! The phone's scrollable body: every visible component of the screen, drawn as lines.
//! One function per Flow JSON component kind lives in `component`; this is the file to
//! open when adding a component's look.
//!
//! Two kinds of line are drawn. **Paragraphs** (text components, labels, descriptions, helper
//! text) are aligned by their own first strong character, as Android aligns a `TextView`
//! (`para`). **Rows** of the phone's own drawing (field boxes, option rows with their
//! controls, chips, list items) are built left to right as a `Row` and mirrored whole on a
//! right-to-left phone (`--dir rtl`), their text pieces kept in reading order.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use serde_json::{Map, Value};
use tui_input::Input as LineInput;

use super::image::{self, Fit};
use super::markdown::{self, MdStyle, wrap};
use super::text::{self, Dir, Layout, fit, mirror_glyph, truncate, width};
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
    pub carousel: &'a BTreeMap<std::sync::Arc<str>, usize>,
    /// No colours: draw pictures as `[image: alt]` and buttons with brackets.
    pub plain: bool,
    /// The phone's language direction and who orders right-to-left text.
    pub layout: Layout,
    /// The client's size limit for item pictures in KB, over which it shows a placeholder
    /// (`flowsim_core::flow::spec::item_image_limit_kb` of the flow's version).
    pub item_image_kb: usize,
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

/// Where a picture goes: lines `top..top + height`, columns `x..x + width`, left blank in the
/// lines. The phone paints it there ([`Picture::paint`]): as half-blocks, then, where the
/// terminal has a graphics protocol, for real over them.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub src: String,
    /// What it shows (`alt-text`), for its placeholder.
    pub alt: String,
    pub top: usize,
    pub height: usize,
    pub x: u16,
    pub width: u16,
    /// The box it was laid out for; its drawing takes `width` × `height` cells.
    pub fit: Fit,
    /// The client's limit in KB for an item picture, over which it shows a placeholder.
    pub limit_kb: Option<usize>,
}

impl Picture {
    /// Paints lines `rows` of the picture (a placeholder saying why when it cannot be drawn)
    /// with the first at `at`. Returns whether the picture itself was painted.
    pub fn paint(&self, t: &Theme, at: (u16, u16), rows: Range<usize>, buf: &mut Buffer) -> bool {
        let drawn = self
            .limit_kb
            .map_or(Ok(()), |kb| image::client_limit(&self.src, kb))
            .and_then(|()| image::halfblocks(&self.src, self.fit, bg(t)));
        let refusal = match drawn {
            Ok(lines) => {
                for (y, line) in (at.1..).zip(lines.iter().skip(rows.start).take(rows.len())) {
                    buf.set_line(at.0, y, line, self.width);
                }
                return true;
            }
            Err(refusal) => refusal,
        };
        // A grey box: "⚠ alt" and the reason where they fit, else a sign and a word.
        let w = usize::from(self.width);
        let (words, room) = if w >= 16 {
            (vec![format!("⚠ {}", self.alt), refusal.to_string()], w - 2)
        } else {
            (vec!["⚠".to_string(), refusal.short()], w)
        };
        let shown = words.len().min(self.height);
        let first = (self.height - shown) / 2;
        let style = Style::new().fg(t.dim).bg(t.bar);
        for (y, row) in (at.1..).zip(rows) {
            let text = row
                .checked_sub(first)
                .and_then(|i| words.get(i).filter(|_| i < shown))
                .map(|s| center(&truncate(s, room), w))
                .unwrap_or_default();
            buf.set_string(at.0, y, text::fit(&text, w), style);
        }
        false
    }
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

/// A row of the phone's own drawing: pieces from left to right as a left-to-right phone shows
/// them. [`Row::line`] with [`Dir::Rtl`] shows the pieces in the opposite order, the drawing
/// characters of chrome pieces mirrored (`╭─` becomes `─╮`, `▌ ` becomes ` ▐`); text pieces
/// are already in display order and stay as they are.
#[derive(Default)]
struct Row(Vec<(Span<'static>, bool)>);

impl Row {
    fn new() -> Row {
        Row::default()
    }

    /// Drawing: borders, controls, padding.
    fn chrome(mut self, s: impl Into<String>, style: Style) -> Row {
        self.0.push((Span::styled(s.into(), style), false));
        self
    }

    /// Text in display order.
    fn text(mut self, s: impl Into<String>, style: Style) -> Row {
        self.0.push((Span::styled(s.into(), style), true));
        self
    }

    fn span(mut self, span: Span<'static>) -> Row {
        self.0.push((span, false));
        self
    }

    /// `other`'s pieces after these.
    fn then(mut self, other: Row) -> Row {
        self.0.extend(other.0);
        self
    }

    fn width(&self) -> usize {
        self.0.iter().map(|(s, _)| width(&s.content)).sum()
    }

    /// The row as a line `width` cells wide; a right-to-left row ends at its right edge.
    fn line(self, dir: Dir, width: u16) -> Line<'static> {
        if dir == Dir::Ltr {
            return Line::from(self.0.into_iter().map(|(s, _)| s).collect::<Vec<_>>());
        }
        let pad = (width as usize).saturating_sub(self.width());
        Line::from(
            std::iter::once(Span::raw(" ".repeat(pad)))
                .chain(self.0.into_iter().rev().map(|(s, is_text)| {
                    if is_text {
                        s
                    } else {
                        let mirrored: String = s.content.chars().rev().map(mirror_glyph).collect();
                        Span::styled(mirrored, s.style)
                    }
                }))
                .collect::<Vec<_>>(),
        )
    }
}

/// An item's picture (Flow JSON 5.0+: the `image` of data-source items, NavigationList's
/// `start.image`): a box beside the item's text, or in plain output its alt text.
struct Thumb {
    src: String,
    alt: String,
    cols: u16,
    rows: u16,
    plain: bool,
}

/// Sizes of item pictures, as `media-size` selects them. Meta names the two sizes
/// (components.md §5.8 and §5.21: "`regular`, `large` – size of item images";
/// client-look.md §2c) without dimensions, and `end` cannot be combined with `large`
/// (§5.21), so large takes much of a row. flowsim draws regular as a 56 dp square, the
/// leading image of an Android (Material) list item, and large twice that; unverified.
const REGULAR_DP: u32 = 56;
const LARGE_DP: u32 = 112;

impl Thumb {
    /// The picture of an item with `image` (and `alt-text`), sized by `large`.
    fn of(ctx: &Ctx, image: Option<&Value>, alt: Option<&Value>, large: bool) -> Option<Thumb> {
        let src = image.map(display).filter(|s| !s.trim().is_empty())?;
        let alt = alt
            .map(|a| sanitize(&display(a)))
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| "image".into());
        let dp = if large { LARGE_DP } else { REGULAR_DP };
        // Rounded dp (the phone is about 360 dp wide), at most a third of the row.
        let w = u32::from(ctx.width);
        let cols = ((dp * w + 180) / 360).clamp(2, (w / 3).max(2));
        let cols = u16::try_from(cols).unwrap_or(2);
        Some(Thumb {
            src,
            alt,
            cols,
            // Square: two half-block pixels per row.
            rows: cols.div_ceil(2),
            plain: ctx.plain,
        })
    }

    /// Whether the item's `media-size` is `large`.
    fn large(item: &Item) -> bool {
        item.text("media-size").as_deref() == Some("large")
    }

    /// Cells it takes before the text, the gap after it included.
    fn width(&self) -> usize {
        if self.plain {
            0
        } else {
            usize::from(self.cols) + 1
        }
    }

    /// A line of text for the item where the picture cannot be shown (plain output, as a
    /// screen reader reads the `alt-text`).
    fn note(&self) -> Option<String> {
        self.plain.then(|| format!("[image: {}]", self.alt))
    }

    /// The picture laid out at line `top`, `x` cells from the body's left edge.
    fn picture(&self, ctx: &Ctx, top: usize, x: u16) -> Picture {
        Picture {
            src: self.src.clone(),
            alt: self.alt.clone(),
            top,
            height: usize::from(self.rows),
            x,
            width: self.cols,
            fit: Fit::fill(self.cols, self.rows),
            limit_kb: Some(ctx.item_image_kb),
        }
    }
}

/// An item's lines: `lead` (`lead_w` cells: the focus marker, a control) on the first line,
/// the item's picture under and after it, then the `text` rows; as many lines as the taller
/// of picture and text. On a right-to-left phone the row is mirrored, the picture (drawn
/// by the phone where it goes) is not.
fn beside(
    b: &mut Body,
    ctx: &Ctx,
    lead: Row,
    lead_w: usize,
    thumb: Option<&Thumb>,
    text: Vec<Row>,
) {
    let top = b.lines.len();
    let pic = thumb.filter(|t| !t.plain);
    let rows = pic.map_or(0, |p| usize::from(p.rows));
    let n = text.len().max(rows).max(1);
    let mut text = text.into_iter();
    let mut lead = Some(lead);
    for _ in 0..n {
        let mut row = lead
            .take()
            .unwrap_or_else(|| Row::new().chrome(" ".repeat(lead_w), Style::new()));
        if let Some(p) = pic {
            row = row.chrome(" ".repeat(p.width()), Style::new());
        }
        if let Some(t) = text.next() {
            row = row.then(t);
        }
        b.push(row.line(ctx.layout.ui, ctx.width));
    }
    if let Some(p) = pic {
        let lead_w = u16::try_from(lead_w).unwrap_or(u16::MAX);
        let x = match ctx.layout.ui {
            Dir::Ltr => lead_w,
            Dir::Rtl => ctx.width.saturating_sub(lead_w + p.cols),
        };
        b.pictures.push(p.picture(ctx, top, x));
    }
}

/// The body of one frame: every visible component laid out on its own (lines, regions and
/// pictures counted from its first line), one blank line between them.
#[derive(Debug, Default)]
pub struct Laid {
    /// Each component with the body line it starts at, top to bottom.
    blocks: Vec<(usize, Arc<Body>)>,
    len: usize,
}

impl Laid {
    /// Lines in all, the blank lines between components included.
    pub fn height(&self) -> usize {
        self.len
    }

    /// The lines of `rows` with their body line; the blank lines between components have
    /// nothing to paint and are left out.
    pub fn lines(&self, rows: Range<usize>) -> impl Iterator<Item = (usize, &Line<'static>)> {
        let first = self
            .blocks
            .partition_point(|(top, b)| top + b.lines.len() <= rows.start);
        self.blocks[first..]
            .iter()
            .take_while(move |(top, _)| *top < rows.end)
            .flat_map(|(top, b)| (*top..).zip(&b.lines))
            .filter(move |(n, _)| rows.contains(n))
    }

    /// Every focusable region with the body line it starts at.
    pub fn regions(&self) -> impl Iterator<Item = (usize, &Region)> {
        self.blocks
            .iter()
            .flat_map(|(top, b)| b.regions.iter().map(move |r| (top + r.top, r)))
    }

    /// Every picture with the body line it starts at.
    pub fn pictures(&self) -> impl Iterator<Item = (usize, &Picture)> {
        self.blocks
            .iter()
            .flat_map(|(top, b)| b.pictures.iter().map(move |p| (top + p.top, p)))
    }

    /// The focused region's lines.
    pub fn focus_lines(&self, focus: Option<&Target>) -> Option<(usize, usize)> {
        let f = focus?;
        self.blocks.iter().find_map(|(top, b)| {
            b.focus_lines(Some(f))
                .map(|(from, to)| (top + from, top + to))
        })
    }

    /// The text cursor: column and body line.
    pub fn cursor(&self) -> Option<(u16, usize)> {
        self.blocks
            .iter()
            .find_map(|(top, b)| b.cursor.map(|(col, line)| (col, top + line)))
    }
}

/// Components laid out by earlier frames, kept while a component would be laid out the same:
/// resolved alike, with the same focus, editor and carousel picture on it, on a phone of the
/// same width and look. Typing into one field then lays out that field alone, not the screen.
/// What is kept is exactly what would be laid out again, so the drawing stays a function of
/// the state; a fresh `Layouts` only costs the time to fill it.
#[derive(Debug, Default)]
pub struct Layouts(RefCell<Kept>);

#[derive(Debug, Default)]
struct Kept {
    frame: Option<Frame>,
    /// The components of the last frame, in its order.
    items: Vec<KeptItem>,
}

/// What every component's look reads besides the component and the state on it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Frame {
    theme: Theme,
    width: u16,
    plain: bool,
    layout: Layout,
    item_image_kb: usize,
}

impl Frame {
    fn of(ctx: &Ctx) -> Frame {
        Frame {
            theme: *ctx.theme,
            width: ctx.width,
            plain: ctx.plain,
            layout: ctx.layout,
            item_image_kb: ctx.item_image_kb,
        }
    }
}

#[derive(Debug)]
struct KeptItem {
    item: Item,
    /// The focus when it is on this component.
    focus: Option<Target>,
    /// The editor's text and cursor when it edits this component.
    editor: Option<(String, usize)>,
    /// The carousel's picture when this component is a carousel that has moved.
    carousel: Option<usize>,
    body: Arc<Body>,
}

impl KeptItem {
    /// Whether `item` with `ctx`'s state on it is laid out as this was.
    fn serves(&self, item: &Item, ctx: &Ctx) -> bool {
        self.item.key == item.key
            && self.focus.as_ref() == focus_on(item, ctx)
            && self.editor.as_ref().map(|(text, at)| (text.as_str(), *at))
                == editor_on(item, ctx).map(|i| (i.value(), i.cursor()))
            && self.carousel == ctx.carousel.get(&item.key).copied()
            && self.item == *item
    }
}

fn focus_on<'a>(item: &Item, ctx: &Ctx<'a>) -> Option<&'a Target> {
    ctx.focus.filter(|t| t.key() == Some(&item.key))
}

fn editor_on<'a>(item: &Item, ctx: &Ctx<'a>) -> Option<&'a LineInput> {
    ctx.editor
        .filter(|(key, _)| *key == &*item.key)
        .map(|(_, input)| input)
}

/// One component laid out anew.
fn lay_out(item: &Item, ctx: &Ctx) -> KeptItem {
    let mut body = Body::default();
    component(&mut body, item, ctx);
    KeptItem {
        item: item.clone(),
        focus: focus_on(item, ctx).cloned(),
        editor: editor_on(item, ctx).map(|i| (i.value().to_string(), i.cursor())),
        carousel: ctx.carousel.get(&item.key).copied(),
        body: Arc::new(body),
    }
}

/// Lays out every visible component of the view (the Footer is drawn by the frame), reusing
/// what `layouts` kept of components that did not change.
pub fn body(view: &ScreenView, ctx: &Ctx, layouts: &Layouts) -> Laid {
    let mut kept = layouts.0.borrow_mut();
    let frame = Frame::of(ctx);
    if kept.frame != Some(frame) {
        kept.frame = Some(frame);
        kept.items.clear();
    }
    let mut old = std::mem::take(&mut kept.items).into_iter().peekable();
    let mut laid = Laid {
        blocks: Vec::with_capacity(view.items.len()),
        len: 0,
    };
    for item in &view.items {
        // Components keep their order: skip what went away, up to this one.
        let mut reused = None;
        while let Some(k) = old.peek() {
            if k.serves(item, ctx) {
                reused = old.next();
                break;
            }
            if k.item.key != item.key && view.items.iter().any(|i| i.key == k.item.key) {
                // A component further down: this one is new.
                break;
            }
            old.next();
        }
        let k = reused.unwrap_or_else(|| lay_out(item, ctx));
        if !laid.blocks.is_empty() {
            laid.len += 1;
        }
        laid.blocks.push((laid.len, Arc::clone(&k.body)));
        laid.len += k.body.lines.len();
        kept.items.push(k);
    }
    laid
}

/// A paragraph wrapped to `width`: each line in display order and aligned as Android aligns
/// the paragraph (by its first strong character; right-to-left lines end at the right edge
/// of `width`). Each `\n`-separated paragraph takes its own direction. Returns the lines with
/// their paragraph's direction.
fn para(text: &str, width: u16, ctx: &Ctx) -> Vec<(String, Dir)> {
    let mut out = Vec::new();
    for p in text.split('\n') {
        let dir = ctx.layout.para_dir(p);
        for l in wrap(p, width) {
            out.push((ctx.layout.align(&l, dir, width as usize), dir));
        }
    }
    out
}

/// Pushes a paragraph in one style, each line after `indent` cells on its start side.
fn push_para(b: &mut Body, text: &str, indent: u16, ctx: &Ctx, style: Style) {
    for (l, dir) in para(text, ctx.width.saturating_sub(indent), ctx) {
        let row = Row::new()
            .chrome(" ".repeat(indent as usize), Style::new())
            .text(l, style);
        b.push(row.line(dir, ctx.width));
    }
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
                    ctx.layout,
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
                ctx.layout,
            ));
        }
        Kind::TextInput | Kind::TextArea => text_field(b, item, ctx),
        Kind::Dropdown => {
            let selected = item.selected();
            let chosen = item
                .list("data-source")
                .into_iter()
                .find(|o| o.get("id").map(display).as_ref() == selected.first());
            let title = chosen.and_then(|o| o.get("title").map(display));
            // The chosen option's picture beside its title in the field, as in the list; a
            // Dropdown has no `media-size` (components.md §5.10), so its pictures are regular.
            let thumb =
                chosen.and_then(|o| Thumb::of(ctx, o.get("image"), o.get("alt-text"), false));
            let mut rows: Option<Vec<String>> = title.map(|t| vec![sanitize(&t)]);
            if let (Some(rows), Some(note)) = (&mut rows, thumb.as_ref().and_then(Thumb::note)) {
                rows.push(note);
            }
            field_box(
                b,
                item,
                ctx,
                rows,
                "▾",
                Target::Field(item.key.clone()),
                thumb.as_ref(),
            );
            below(b, item, ctx, None);
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
                None,
            );
            below(b, item, ctx, None);
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
            let link = sanitize(&item.text("text").unwrap_or_default());
            for (l, dir) in para(&link, ctx.width.saturating_sub(2), ctx) {
                b.push(
                    Row::new()
                        .span(marker(focused, ctx))
                        .text(l, style)
                        .line(dir, ctx.width),
                );
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
        let line = sanitize(line);
        if wrap(&line, ctx.width).is_empty() {
            b.push(Line::raw(""));
        }
        push_para(b, &line, 0, ctx, style);
    }
}

/// A two-cell focus marker at the start of a row.
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
    sanitize(&label)
}

/// Whether "(optional)" is shown. Meta's previews print it for every input that is not
/// required and nothing for required ones (components.md §3.6; client-look.md §2b, from
/// META-FJ "Favourite Languages(optional)" and META-COMP "Checkbox group example(optional)").
/// Pickers are optional when their minimum is 0 (META-MU: "determines whether the component is
/// optional (set to 0) or required"). An OptIn never shows it (META-COMP's OptIn preview).
fn optional(item: &Item) -> bool {
    match item.kind {
        Kind::OptIn => false,
        Kind::PhotoPicker => item.int("min-uploaded-photos").unwrap_or(0) == 0,
        Kind::DocumentPicker => item.int("min-uploaded-documents").unwrap_or(0) == 0,
        k => k.is_input() && !item.required,
    }
}

/// The label of a selection group (RadioButtonsGroup, CheckboxGroup, ChipsSelector, pickers):
/// "(optional)" follows it, as Meta's preview prints "Select country:(optional)" and
/// "Personalize your experience(optional)" (client-look.md §2b, META-FJ l.1133, META-COMP
/// l.660 and l.1928).
fn group_label(item: &Item) -> String {
    let label = label_text(item);
    if optional(item) && !label.is_empty() {
        format!("{label} (optional)")
    } else {
        label
    }
}

/// The helper-text slot under a field: the error when there is one, else the helper text and,
/// for a field that is not required, "(optional)" — text fields and date pickers carry it
/// there, not after the label (client-look.md §2b: META-FJ l.908-914 "Enter your name /
/// (optional)", META-COMP l.1272 "Date (optional)"). `counter` is TextArea's `n / max`, at the
/// end side of the same row (META-COMP l.512-518: "17 / 600" under the text area).
fn below(b: &mut Body, item: &Item, ctx: &Ctx, counter: Option<String>) {
    let t = ctx.theme;
    let room = ctx.width.saturating_sub(1);
    let counter_w = counter.as_deref().map_or(0, width);
    let mut lines: Vec<(String, Dir, Style)> = Vec::new();
    let slot = room.saturating_sub(if counter_w > 0 {
        counter_w as u16 + 1
    } else {
        0
    });
    if let Some(err) = &item.error {
        lines.extend(
            para(&sanitize(err), slot, ctx)
                .into_iter()
                .map(|(l, d)| (l, d, t.error())),
        );
    } else {
        if let Some(help) = helper(item) {
            lines.extend(
                para(&sanitize(&help), slot, ctx)
                    .into_iter()
                    .map(|(l, d)| (l, d, t.dimmed())),
            );
        }
        if optional(item) && optional_in_slot(item) {
            lines.extend(
                para("(optional)", slot, ctx)
                    .into_iter()
                    .map(|(l, d)| (l, d, t.dimmed())),
            );
        }
    }
    if lines.is_empty() && counter.is_some() {
        lines.push((String::new(), ctx.layout.ui, t.dimmed()));
    }
    for (i, (l, dir, style)) in lines.into_iter().enumerate() {
        let row = match (&counter, i) {
            (Some(c), 0) => {
                // The text in its slot (already aligned by its own direction), the counter at
                // the end side of the phone.
                Row::new()
                    .chrome(" ", Style::new())
                    .text(fit(&l, slot as usize), style)
                    .chrome(" ", Style::new())
                    .text(c.clone(), t.dimmed())
                    .line(ctx.layout.ui, ctx.width)
            }
            _ => Row::new()
                .chrome(" ", Style::new())
                .text(l, style)
                .line(dir, ctx.width),
        };
        b.push(row);
    }
}

/// Inputs drawn as a field box carry "(optional)" in the helper-text slot; the Dropdown is
/// one of them, its placement unverified (client-look.md §2b: "its exact placement is
/// unclear").
fn optional_in_slot(item: &Item) -> bool {
    matches!(
        item.kind,
        Kind::TextInput | Kind::TextArea | Kind::DatePicker | Kind::CalendarPicker | Kind::Dropdown
    )
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

/// A bordered field with the label in its top border, as Android's outlined fields. The
/// label sits at the start side of its own text direction (Material's floating label measures
/// its text's first strong character) and each value row is aligned by its own direction; the
/// icon sits at the end side of the phone's language. A chosen option's picture sits at the
/// start of the value rows.
fn field_box(
    b: &mut Body,
    item: &Item,
    ctx: &Ctx,
    content: Option<Vec<String>>,
    icon: &str,
    target: Target,
    thumb: Option<&Thumb>,
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
    let label_dir = ctx.layout.para_dir(&label);
    let title = if large {
        for (l, dir) in para(&label, ctx.width, ctx) {
            b.push(Row::new().text(l, t.bold()).line(dir, ctx.width));
        }
        String::new()
    } else {
        ctx.layout
            .show(&truncate(&label, w.saturating_sub(6)), label_dir)
    };
    let title_w = width(&title);
    let head = if title_w > 0 {
        Row::new()
            .chrome("╭─ ", border)
            .text(title, label_style)
            .chrome(
                format!(" {}╮", "─".repeat(w.saturating_sub(title_w + 5))),
                border,
            )
    } else {
        Row::new().chrome(format!("╭{}╮", "─".repeat(w - 2)), border)
    };
    b.push(head.line(label_dir, ctx.width));
    let rows = content.unwrap_or_default();
    let rows = if rows.is_empty() {
        vec![String::new()]
    } else {
        rows
    };
    let pic = thumb.filter(|t| !t.plain);
    let pic_w = pic.map_or(0, Thumb::width);
    let icon_w = width(icon);
    let room = w.saturating_sub(4 + pic_w + if icon_w > 0 { icon_w + 1 } else { 0 });
    let value_style = if item.enabled { t.text() } else { t.dimmed() };
    let value_top = b.lines.len();
    let n = rows.len().max(pic.map_or(0, |p| usize::from(p.rows)));
    for i in 0..n {
        let row = rows.get(i).map_or("", String::as_str);
        let dir = ctx.layout.para_dir(row);
        let shown = ctx.layout.align(&truncate(row, room), dir, room);
        let mut r = Row::new()
            .chrome("│ ", border)
            .chrome(" ".repeat(pic_w), Style::new())
            .text(fit(&shown, room), value_style);
        if i == 0 && icon_w > 0 {
            r = r
                .chrome(" ", Style::new())
                .chrome(icon.to_string(), t.dimmed());
        } else {
            r = r.chrome(" ".repeat(icon_w + usize::from(icon_w > 0)), Style::new());
        }
        b.push(r.chrome(" │", border).line(ctx.layout.ui, ctx.width));
    }
    if let Some(p) = pic {
        let x = match ctx.layout.ui {
            Dir::Ltr => 2,
            Dir::Rtl => u16::try_from(w)
                .unwrap_or(u16::MAX)
                .saturating_sub(2 + p.cols),
        };
        b.pictures.push(p.picture(ctx, value_top, x));
    }
    b.push(Line::styled(format!("╰{}╯", "─".repeat(w - 2)), border));
    b.region(target, top);
}

fn text_field(b: &mut Body, item: &Item, ctx: &Ctx) {
    let target = Target::Field(item.key.clone());
    let masked = matches!(
        item.text("input-type").as_deref(),
        Some("password" | "passcode")
    );
    let editing = ctx.editor.filter(|(k, _)| *k == &*item.key).map(|(_, i)| i);
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
            let end = wrapped.last().cloned().unwrap_or_default();
            let line = shown
                .split('\n')
                .map(|l| wrap(l, room as u16).len().max(1))
                .sum::<usize>()
                - 1;
            (end_column(&end, room, ctx), line)
        });
        (rows, cursor)
    } else {
        // One line, scrolled so the cursor stays visible.
        match editing {
            Some(input) => {
                let scroll = input.visual_scroll(room);
                let cursor = input.visual_cursor();
                let mut w = 0;
                let mut visible = String::new();
                for g in unicode_segmentation::UnicodeSegmentation::graphemes(shown.as_str(), true)
                {
                    let gw = text::grapheme_width(g);
                    if w >= scroll && w + gw <= scroll + room {
                        visible.push_str(g);
                    }
                    w += gw;
                }
                let col = cursor_column(&visible, cursor.saturating_sub(scroll), room, ctx);
                (vec![visible], Some((col, 0)))
            }
            None => (vec![shown], None),
        }
    };
    let large = item.text("label-variant").as_deref() == Some("large");
    let label_lines = if large {
        wrap(&label_text(item), ctx.width).len()
    } else {
        0
    };
    let top = b.lines.len();
    field_box(b, item, ctx, Some(rows), "", target, None);
    // TextArea counts what was typed against `max-length` (default 600): META-COMP
    // l.512-518 shows "17 / 600" under a text area holding 17 characters.
    let counter = (item.kind == Kind::TextArea).then(|| {
        let max = item.int("max-length").unwrap_or(600);
        format!("{} / {max}", value.chars().count())
    });
    below(b, item, ctx, counter);
    if let Some((col, line)) = cursor {
        b.cursor = Some((2 + col, top + label_lines + 1 + line));
    }
}

/// The cursor's column inside a value row of `room` cells, at `logical` cells into `line`
/// (in reading order): placed where that character shows once the row is aligned and put in
/// display order. The value slot starts two cells in on either phone direction.
fn cursor_column(line: &str, logical: usize, room: usize, ctx: &Ctx) -> u16 {
    let dir = ctx.layout.para_dir(line);
    let shown_w = width(line);
    let offset = if dir == Dir::Rtl {
        room.saturating_sub(shown_w)
    } else {
        0
    };
    let col = match ctx.layout.bidi {
        text::Bidi::Terminal => logical,
        text::Bidi::Flowsim => text::visual_cursor(line, dir, logical),
    };
    (offset + col).min(room) as u16
}

/// [`cursor_column`] at the end of `line`.
fn end_column(line: &str, room: usize, ctx: &Ctx) -> u16 {
    cursor_column(line, width(line), room, ctx)
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
            None,
        );
        below(b, item, ctx, None);
        return;
    }
    for key in ["title", "description"] {
        if let Some(s) = item.text(key) {
            let style = if key == "title" { t.bold() } else { t.dimmed() };
            push_para(b, &sanitize(&s), 0, ctx, style);
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
    field_box(
        b,
        &shown,
        ctx,
        value,
        "▦",
        Target::Field(item.key.clone()),
        None,
    );
    below(b, item, ctx, None);
}

fn option_title(o: &Map<String, Value>) -> String {
    sanitize(&o.get("title").map(display).unwrap_or_default())
}

/// A selection group's or picker's label (with "(optional)") and description.
fn group_header(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    let label = group_label(item);
    if !label.is_empty() {
        let style = if item.enabled { t.bold() } else { t.dimmed() };
        push_para(b, &label, 0, ctx, style);
    }
    if let Some(d) = item.text("description") {
        push_para(b, &sanitize(&d), 0, ctx, t.dimmed());
    }
}

fn options(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    group_header(b, item, ctx);
    let selected = item.selected();
    let radio = item.kind == Kind::RadioButtonsGroup;
    let large = Thumb::large(item);
    // Whether the option before had a picture; `None` before the first.
    let mut before: Option<bool> = None;
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
        // Rows of image? + title + description + metadata (client-look.md §2c); a row with a
        // picture keeps a line from its neighbours, as list rows keep their padding.
        let thumb = Thumb::of(ctx, o.get("image"), o.get("alt-text"), large);
        let picture = thumb.as_ref().is_some_and(|th| !th.plain);
        if before.is_some_and(|had| had || picture) {
            b.push(Line::raw(""));
        }
        before = Some(picture);
        let top = b.lines.len();
        let indent = 4 + thumb.as_ref().map_or(0, Thumb::width);
        let metadata = o
            .get("metadata")
            .map(display)
            .map(|m| sanitize(&m))
            .unwrap_or_default();
        // The title keeps at least a few cells beside the metadata.
        let metadata = truncate(&metadata, (ctx.width as usize).saturating_sub(indent + 8));
        let metadata = ctx.layout.show(&metadata, ctx.layout.para_dir(&metadata));
        let meta_w = width(&metadata);
        let room = (ctx.width as usize).saturating_sub(indent + meta_w + usize::from(meta_w > 0));
        let title = option_title(o);
        let title_dir = ctx.layout.para_dir(&title);
        // The title sits next to the control (and picture), on the phone's start side.
        let mut text = Vec::new();
        for (i, l) in wrap(&title, room.max(1) as u16).iter().enumerate() {
            let shown = ctx.layout.show(l, title_dir);
            let shown_w = width(&shown);
            let mut row = Row::new().text(shown, title_style);
            if i == 0 && meta_w > 0 {
                row = row
                    .chrome(
                        " ".repeat((ctx.width as usize).saturating_sub(indent + shown_w + meta_w)),
                        Style::new(),
                    )
                    .text(metadata.clone(), t.dimmed());
            }
            text.push(row);
        }
        if let Some(note) = thumb.as_ref().and_then(Thumb::note) {
            for l in wrap(
                &note,
                (ctx.width as usize).saturating_sub(indent).max(1) as u16,
            ) {
                text.push(Row::new().text(l, t.dimmed()));
            }
        }
        if let Some(d) = o.get("description").map(display) {
            let d = sanitize(&d);
            let dir = ctx.layout.para_dir(&d);
            for l in wrap(
                &d,
                (ctx.width as usize).saturating_sub(indent).max(1) as u16,
            ) {
                text.push(Row::new().text(ctx.layout.show(&l, dir), t.dimmed()));
            }
        }
        let lead = Row::new()
            .span(marker(focused, ctx))
            .chrome(format!("{mark} "), mark_style);
        beside(b, ctx, lead, 4, thumb.as_ref(), text);
        b.region(target, top);
    }
    below(b, item, ctx, None);
}

/// One option of a Dropdown's list (the picker): the radio mark on the phone's start side,
/// the option's picture, its title and description (or metadata). Lines and pictures are laid
/// out from line 0.
pub(super) fn list_option(ctx: &Ctx, o: &Map<String, Value>, on: bool, cursor: bool) -> Body {
    let t = ctx.theme;
    let enabled = o.get("enabled") != Some(&Value::Bool(false));
    let title = option_title(o);
    let meta = o
        .get("description")
        .or(o.get("metadata"))
        .map(display)
        .map(|s| sanitize(&s))
        .unwrap_or_default();
    let style = if cursor {
        t.focus().add_modifier(Modifier::REVERSED)
    } else if !enabled {
        t.dimmed()
    } else {
        t.text()
    };
    // A Dropdown has no `media-size` (components.md §5.10): regular pictures.
    let thumb = Thumb::of(ctx, o.get("image"), o.get("alt-text"), false);
    let room = (ctx.width as usize).saturating_sub(2 + thumb.as_ref().map_or(0, Thumb::width));
    let show = |s: &str, dir_of: &str| {
        ctx.layout
            .show(&truncate(s, room), ctx.layout.para_dir(dir_of))
    };
    let mut text = Vec::new();
    if thumb.as_ref().is_some_and(|th| !th.plain) {
        // Beside a picture there is room for the description under the title.
        text.push(Row::new().text(show(&title, &title), style));
        if !meta.is_empty() {
            text.push(Row::new().text(show(&meta, &meta), t.dimmed()));
        }
    } else {
        text.push(Row::new().text(show(&format!("{title}  {meta}"), &title), style));
    }
    if let Some(note) = thumb.as_ref().and_then(Thumb::note) {
        text.push(Row::new().text(truncate(&note, room), t.dimmed()));
    }
    let mut b = Body::default();
    let mark = Row::new().chrome(if on { "◉ " } else { "○ " }, t.accent());
    beside(&mut b, ctx, mark, 2, thumb.as_ref(), text);
    // A row with a picture keeps a line from the next, as in the body.
    if !b.pictures.is_empty() {
        b.push(Line::raw(""));
    }
    b
}

fn chips(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    group_header(b, item, ctx);
    // Meta's preview adds "Choose up to N options." after the description when
    // `max-selected-items` is set (client-look.md §2c; META-COMP l.1928-1930, whose JSON has
    // `max-selected-items: 2` and a description without that sentence).
    if let Some(max) = item.int("max-selected-items") {
        push_para(
            b,
            &format!("Choose up to {max} options."),
            0,
            ctx,
            t.dimmed(),
        );
    }
    let selected = item.selected();
    let w = ctx.width as usize;
    let ui = ctx.layout.ui;
    let mut row = Row::new();
    let mut used = 0usize;
    let mut pending: Vec<(Target, usize, usize)> = Vec::new();
    let flush = |b: &mut Body,
                 row: &mut Row,
                 pending: &mut Vec<(Target, usize, usize)>,
                 used: &mut usize| {
        let line = b.lines.len();
        b.push(std::mem::take(row).line(ui, ctx.width));
        for (target, x, cw) in pending.drain(..) {
            // A right-to-left phone fills chip rows from the right.
            let x = if ui == Dir::Rtl {
                w.saturating_sub(x + cw)
            } else {
                x
            };
            b.regions.push(Region {
                target,
                top: line,
                height: 1,
                x: x as u16,
                width: cw as u16,
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
        let title = option_title(o);
        let title = ctx.layout.show(
            &truncate(&title, w.saturating_sub(6).max(1)),
            ctx.layout.para_dir(&title),
        );
        let label = if ctx.plain {
            format!(
                "{}{}{}",
                if on { "[✓ " } else { "( " },
                title,
                if on { "]" } else { " )" }
            )
        } else {
            format!(" {}{} ", if on { "✓ " } else { "" }, title)
        };
        let cw = width(&label);
        if used > 0 && used + 1 + cw > w {
            flush(b, &mut row, &mut pending, &mut used);
        }
        if used > 0 {
            row = row.chrome(" ", Style::new());
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
        pending.push((target, used, cw));
        row = row.text(label, style);
        used += cw;
    }
    if row.width() > 0 {
        flush(b, &mut row, &mut pending, &mut used);
    }
    below(b, item, ctx, None);
}

fn opt_in(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    let on = item.value == Some(Value::Bool(true));
    let target = Target::Field(item.key.clone());
    let focused = ctx.focus == Some(&target);
    let mark = if on { "☑" } else { "☐" };
    let top = b.lines.len();
    let label = label_text(item);
    let dir = ctx.layout.para_dir(&label);
    let lines = wrap(&label, ctx.width.saturating_sub(4));
    for (i, l) in lines.iter().enumerate() {
        let mut row = Row::new().span(marker(focused && i == 0, ctx));
        row = if i == 0 {
            row.chrome(
                format!("{mark} "),
                if on || focused { t.focus() } else { t.dimmed() },
            )
        } else {
            row.chrome("  ", Style::new())
        };
        row = row.text(
            ctx.layout.show(l, dir),
            if focused { t.focus() } else { t.text() },
        );
        b.push(row.line(ctx.layout.ui, ctx.width));
    }
    b.region(target, top);
    // "Read more" only when the OptIn has an on-click-action (components.md §5.13; META-COMP
    // l.968: "'Read more' is only visible when an on-click-action is specified").
    if item.actions.contains_key("on-click-action") {
        let target = Target::ReadMore(item.key.clone());
        let focused = ctx.focus == Some(&target);
        let top = b.lines.len();
        let style = if focused {
            t.link().add_modifier(Modifier::BOLD)
        } else {
            t.link()
        };
        b.push(
            Row::new()
                .span(marker(focused, ctx))
                .chrome("  ", Style::new())
                .text("Read more", style)
                .line(ctx.layout.ui, ctx.width),
        );
        b.region(target, top);
    }
    below(b, item, ctx, None);
}

/// Columns for `dp` density-independent pixels on a phone `w` columns wide (Meta's phone is
/// about 360 dp wide).
fn dp_to_cols(dp: i64, w: u16) -> u64 {
    (dp.max(1) as u64).saturating_mul(w as u64) / 360
}

fn picture(b: &mut Body, item: &Item, ctx: &Ctx, src: String, alt: Option<String>) {
    let t = ctx.theme;
    let alt = alt.map(|a| sanitize(&a)).unwrap_or_else(|| "image".into());
    let w = ctx.width;
    let cols = item
        .int("width")
        .map_or(w, |px| dp_to_cols(px, w).clamp(4, w as u64) as u16);
    let cover = item.text("scale-type").as_deref() == Some("cover");
    // Two pixel rows per cell. With no height, `contain` takes Android's default height of
    // 400 ("On Android devices WhatsApp sets a default height value of 400", META-COMP Image;
    // components.md §5.17); `cover` draws the image at full width with its own aspect ratio.
    // `contain` centres the picture in its box (letterboxing, components.md §5.17), which can
    // leave empty space above and below.
    let rows = match item.int("height") {
        Some(px) => dp_to_cols(px, w) / 2,
        None if cover => 24,
        None => dp_to_cols(400, w) / 2,
    };
    let boxed = !cover;
    let rows = rows.clamp(2, 24) as u16;
    let crop = (cover && item.int("height").is_some()).then_some(cols as f64 / (rows as f64 * 2.0));
    let fit = Fit {
        cols,
        rows,
        cover: crop,
    };
    if ctx.plain {
        let label = format!("[image: {alt}]");
        let label = ctx.layout.show(&label, ctx.layout.para_dir(&alt));
        b.push(Line::styled(
            center(&truncate(&label, w as usize), w as usize),
            t.dimmed(),
        ));
        return;
    }
    let Ok((pw, ph)) = image::cells(&src, fit) else {
        // Not drawable: a placeholder box saying why, as tall as the picture could be.
        push_picture(b, src, alt, (w, rows.min(3)), fit, w);
        return;
    };
    let spare = rows.saturating_sub(ph);
    let (above, below) = if boxed {
        (spare / 2, spare - spare / 2)
    } else {
        (0, 0)
    };
    for _ in 0..above {
        b.push(Line::raw(""));
    }
    push_picture(b, src, alt, (pw, ph), fit, w);
    for _ in 0..below {
        b.push(Line::raw(""));
    }
}

/// Lays out a picture of `size` cells drawn with `fit`, centred in the body `width` cells
/// wide, on blank lines.
fn push_picture(b: &mut Body, src: String, alt: String, size: (u16, u16), fit: Fit, width: u16) {
    let top = b.lines.len();
    for _ in 0..size.1 {
        b.push(Line::raw(""));
    }
    b.pictures.push(Picture {
        src,
        alt,
        top,
        height: usize::from(size.1),
        x: width.saturating_sub(size.0) / 2,
        width: size.0,
        fit,
        limit_kb: None,
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
    let alt = sanitize(&image.get("alt-text").map(display).unwrap_or_default());
    let fit = Fit {
        cols: ctx.width,
        rows,
        cover,
    };
    if ctx.plain {
        let label = format!("[image {}/{}: {alt}]", index + 1, images.len());
        let label = ctx.layout.show(&label, ctx.layout.para_dir(&alt));
        b.push(Line::styled(
            center(&truncate(&label, ctx.width as usize), ctx.width as usize),
            t.dimmed(),
        ));
    } else {
        // Not drawable: a placeholder box saying why.
        let size = image::cells(&src, fit).unwrap_or((ctx.width, rows.min(3)));
        push_picture(b, src, alt, size, fit, ctx.width);
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
            push_para(b, &truncate(&sanitize(&s), limit), 0, ctx, style);
        }
    }
    let w = ctx.width as usize;
    let show = |s: &str| ctx.layout.show(s, ctx.layout.para_dir(s));
    let large = Thumb::large(item);
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
        // Rows: start image, main title/description/metadata, end title/description/metadata
        // (components.md §5.21; client-look.md §2c).
        let start = li.get("start");
        let thumb = Thumb::of(
            ctx,
            start.and_then(|s| s.get("image")),
            start.and_then(|s| s.get("alt-text")),
            large,
        );
        let indent = 2 + thumb.as_ref().map_or(0, Thumb::width);
        let title = part("main-content", "title").unwrap_or_default();
        let end_title = truncate(&part("end", "title").unwrap_or_default(), w / 3);
        let room = w.saturating_sub(indent + width(&end_title) + 3);
        let title_style = if focused { t.focus() } else { t.bold() };
        let title = show(&truncate(&title, room));
        let used = indent + width(&title);
        let mut text = vec![
            Row::new()
                .text(title, title_style)
                .chrome(
                    " ".repeat(w.saturating_sub(used + width(&end_title) + 2)),
                    Style::new(),
                )
                .text(show(&end_title), t.text())
                .chrome(" ›", t.dimmed()),
        ];
        if let Some(note) = thumb.as_ref().and_then(Thumb::note) {
            for l in wrap(&note, w.saturating_sub(indent).max(1) as u16) {
                text.push(Row::new().text(l, t.dimmed()));
            }
        }
        for (k, obj) in [
            ("description", "main-content"),
            ("metadata", "main-content"),
        ] {
            if let Some(s) = part(obj, k) {
                let end = truncate(
                    &if k == "description" {
                        part("end", "description")
                    } else {
                        part("end", "metadata")
                    }
                    .unwrap_or_default(),
                    w / 3,
                );
                let room = w.saturating_sub(indent + width(&end) + 3);
                let shown = show(&truncate(&s, room));
                let pad = w.saturating_sub(indent + width(&shown) + width(&end) + 2);
                text.push(
                    Row::new()
                        .text(shown, t.dimmed())
                        .chrome(" ".repeat(pad), Style::new())
                        .text(show(&end), t.dimmed()),
                );
            }
        }
        let mut tags = Row::new();
        let mut used = indent;
        let mut any = false;
        let badge = li
            .get("badge")
            .map(display)
            .into_iter()
            .map(|b| (b, Style::new().fg(t.on_accent).bg(t.accent)));
        let list = match li.get("tags") {
            Some(Value::Array(list)) => list.iter().take(3).map(display).collect(),
            _ => Vec::new(),
        };
        for (tag, style) in badge.chain(
            list.into_iter()
                .map(|s| (s, Style::new().fg(t.fg).bg(t.bar))),
        ) {
            let tag = sanitize(&tag);
            let label = format!(" {} ", show(&truncate(&tag, w.saturating_sub(used + 2))));
            if used + width(&label) > w {
                break;
            }
            used += width(&label) + 1;
            tags = tags.text(label, style).chrome(" ", Style::new());
            any = true;
        }
        if any {
            text.push(tags);
        }
        beside(
            b,
            ctx,
            Row::new().span(marker(focused, ctx)),
            2,
            thumb.as_ref(),
            text,
        );
        b.region(target, top);
        b.push(Line::styled("─".repeat(w), t.border()));
    }
}

/// The sentence the client adds under a picker: "Add 1 to 10 photos. Max file size 10 MB."
/// for `min-uploaded-photos: 1`, `max-uploaded-photos: 10`, `max-file-size-kb: 10240`, and
/// "Max file size 1 MB." alone for a document picker limited to one file (META-MU's two
/// previews; client-look.md §2c). The wording for other counts follows the same pattern and
/// is not verified (README, "What is approximate").
fn picker_hint(item: &Item) -> String {
    let (noun, min_key, max_key) = if item.kind == Kind::PhotoPicker {
        ("photos", "min-uploaded-photos", "max-uploaded-photos")
    } else {
        (
            "documents",
            "min-uploaded-documents",
            "max-uploaded-documents",
        )
    };
    // Defaults from components.md §5.22–5.23.
    let min = item.int(min_key).unwrap_or(0);
    let max = item.int(max_key).unwrap_or(30);
    let kb = item.int("max-file-size-kb").unwrap_or(25600).max(1);
    let size = if kb % 1024 == 0 {
        format!("{} MB", kb / 1024)
    } else if kb < 1024 {
        format!("{kb} KB")
    } else {
        format!("{:.1} MB", kb as f64 / 1024.0)
    };
    let count = match (min, max) {
        (_, m) if m <= 1 => String::new(),
        (0, m) => format!("Add up to {m} {noun}. "),
        (a, b) if a == b => format!("Add {a} {noun}. "),
        (a, b) => format!("Add {a} to {b} {noun}. "),
    };
    format!("{count}Max file size {size}.")
}

fn media_picker(b: &mut Body, item: &Item, ctx: &Ctx) {
    let t = ctx.theme;
    group_header(b, item, ctx);
    push_para(b, &picker_hint(item), 0, ctx, t.dimmed());
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
        let name = truncate(&name, (ctx.width as usize).saturating_sub(14));
        b.push(
            Row::new()
                .chrome("  ", Style::new())
                .chrome("▪ ", t.accent())
                .text(ctx.layout.show(&name, ctx.layout.para_dir(&name)), t.text())
                .chrome("  ", Style::new())
                .text(size, t.dimmed())
                .line(ctx.layout.ui, ctx.width),
        );
    }
    let top = b.lines.len();
    // The button Meta's previews show: "Take photo" (camera_gallery, META-MU) and "Upload
    // document"; a gallery-only picker's wording is not documented.
    let what = if item.kind == Kind::PhotoPicker {
        match item.text("photo-source").as_deref() {
            Some("gallery") => "Choose from gallery",
            _ => "Take photo",
        }
    } else {
        "Upload document"
    };
    let style = if !item.enabled {
        t.dimmed()
    } else if focused {
        t.focus()
    } else {
        t.accent()
    };
    b.push(
        Row::new()
            .span(marker(focused, ctx))
            .chrome("＋ ", style)
            .text(what, style)
            .line(ctx.layout.ui, ctx.width),
    );
    b.region(target, top);
    if let Some(err) = &item.error {
        push_para(b, &sanitize(err), 1, ctx, t.error());
    }
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

/// `s` centred in `width` cells (padded on the left).
pub fn center(s: &str, width: usize) -> String {
    let pad = width.saturating_sub(text::width(s)) / 2;
    format!("{}{s}", " ".repeat(pad))
}
