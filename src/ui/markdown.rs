//! WhatsApp Flows markdown → styled, word-wrapped ratatui lines.
//!
//! Two dialects are supported (see the component reference, §5.3–5.5):
//!
//! * **TextBody / TextCaption** with `markdown: true` (`rich == false`): bold, italic,
//!   strikethrough (combinable), links, ordered and unordered lists and paragraphs. Headings,
//!   images and tables are not part of that subset and are shown as the plain text that was
//!   written.
//! * **RichText** (`rich == true`): additionally `#` (like TextHeading) and `##` (like
//!   TextSubheading) headings, `###`… rendered as body text, pipe tables (drawn with box-drawing
//!   characters) and inline data-URI images (shown as an `[image: alt]` placeholder line; the
//!   pictures themselves are drawn by the caller, see [`images`]).
//!
//! All text comes from untrusted flows: everything that reaches the output goes through
//! [`sanitize`], so no control character, escape sequence or bidi override is ever emitted.
//! Wrapping is by display width, grapheme cluster by grapheme cluster as ratatui's buffer
//! places them ([`super::text`]), breaking at spaces and hard-breaking words that are wider
//! than the available width between clusters, never inside one. A block whose first strong
//! character is right-to-left is aligned right, its lines put in display order and its list
//! markers on the right.

use super::text::{self, Dir, Layout};
use flowsim_core::text::{safe_char, sanitize};
use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// Colours/styles the caller supplies (so the module stays theme-agnostic).
///
/// `base` is the style of body text. Every other style is *patched over* `base` (see
/// [`Style::patch`]), so it may set only what differs, e.g. `heading1` may be just
/// `Style::new().add_modifier(Modifier::BOLD)`. `link` is additionally patched over the
/// surrounding bold/italic/strike style, so `**[x](u)**` is a bold link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MdStyle {
    /// Body text.
    pub base: Style,
    /// `# heading` in RichText (like TextHeading).
    pub heading1: Style,
    /// `## heading` in RichText (like TextSubheading).
    pub heading2: Style,
    /// Link text.
    pub link: Style,
    /// Image placeholders and horizontal rules.
    pub dim: Style,
    /// Table borders.
    pub table_border: Style,
}

/// Longest image URL shown verbatim when an image is displayed as plain text (TextBody).
const MAX_SHOWN_URL: usize = 32;

// ---------------------------------------------------------------------------------------------
// Sanitising and plain wrapping
// ---------------------------------------------------------------------------------------------

/// Plain word wrap by display width (lines in reading order; see [`Layout::show`] for display
/// order).
///
/// Lines (`\n`, `\r\n`) in `text` stay separate lines; within a line, runs of spaces are
/// collapsed, lines break at spaces and words wider than `width` are broken hard. The text is
/// [`sanitize`]d. A `width` of 0 is treated as 1. A cluster wider than the whole width (a
/// CJK character at width 1) is still placed, alone on its line.
pub fn wrap(text: &str, width: u16) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut cells = Vec::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            cells.push(('\n', Style::new()));
        }
        // `sanitize(line)`, character by character.
        cells.extend(line.chars().map(|c| (safe_char(c), Style::new())));
    }
    wrap_cells(&cells, usize::from(width))
        .into_iter()
        .map(|line| line.into_iter().map(|(c, _)| c).collect())
        .collect()
}

/// One character with its style.
type Cell = (char, Style);

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// The width of styled characters as the buffer places them (by grapheme cluster).
fn cells_width(cells: &[Cell]) -> usize {
    if cells.iter().all(|&(c, _)| c.is_ascii()) {
        return cells.iter().map(|&(c, _)| char_width(c)).sum();
    }
    text::width(&cells.iter().map(|&(c, _)| c).collect::<String>())
}

/// The grapheme clusters of styled characters, as index ranges.
fn clusters(cells: &[Cell]) -> Vec<std::ops::Range<usize>> {
    use unicode_segmentation::UnicodeSegmentation;
    let s: String = cells.iter().map(|&(c, _)| c).collect();
    let mut out = Vec::new();
    let mut at = 0;
    for g in s.graphemes(true) {
        let n = g.chars().count();
        out.push(at..at + n);
        at += n;
    }
    out
}

/// One line of styled characters in display order (a paragraph of direction `base`).
fn visual_cells(line: &[Cell], base: Dir, layout: Layout) -> Vec<Cell> {
    let ascii = line.iter().all(|&(c, _)| c.is_ascii());
    if layout.bidi == text::Bidi::Terminal || (base == Dir::Ltr && ascii) {
        return line.to_vec();
    }
    let s: String = line.iter().map(|&(c, _)| c).collect();
    // Byte offset of each character -> its index in `line`.
    let index: std::collections::HashMap<usize, usize> = s
        .char_indices()
        .enumerate()
        .map(|(i, (b, _))| (b, i))
        .collect();
    let mut out = Vec::with_capacity(line.len());
    for (range, rtl) in text::visual_order(&s, base) {
        let first = index.get(&range.start).copied().unwrap_or(0);
        let n = s[range].chars().count();
        for &(c, style) in &line[first..first + n] {
            out.push((if rtl { text::mirror_char(c) } else { c }, style));
        }
    }
    out
}

/// Word-wraps styled characters to `width` columns (at least 1). A `'\n'` cell forces a line
/// break; spaces between words collapse to one (keeping the style of the first space, so an
/// underlined link stays underlined across its spaces); leading and trailing spaces are
/// dropped.
fn wrap_cells(cells: &[Cell], width: usize) -> Vec<Vec<Cell>> {
    let width = width.max(1);
    let mut out = Vec::new();
    for segment in cells.split(|&(c, _)| c == '\n') {
        // A line holds at most `width` cells (or the segment): room for it up front.
        let room = width.min(segment.len());
        let mut line: Vec<Cell> = Vec::with_capacity(room);
        let mut line_w = 0;
        let mut i = 0;
        while i < segment.len() {
            let gap_start = i;
            while i < segment.len() && segment[i].0 == ' ' {
                i += 1;
            }
            let gap_style = segment.get(gap_start).map_or(Style::new(), |&(_, s)| s);
            let word_start = i;
            while i < segment.len() && segment[i].0 != ' ' {
                i += 1;
            }
            let word = &segment[word_start..i];
            if word.is_empty() {
                break;
            }
            let word_w = cells_width(word);
            if !line.is_empty() {
                if line_w + 1 + word_w <= width {
                    line.push((' ', gap_style));
                    line.extend_from_slice(word);
                    line_w += 1 + word_w;
                    continue;
                }
                out.push(std::mem::replace(&mut line, Vec::with_capacity(room)));
                line_w = 0;
            }
            if word_w <= width {
                line.extend_from_slice(word);
                line_w = word_w;
            } else {
                for cluster in clusters(word) {
                    let cluster = &word[cluster];
                    let cw = cells_width(cluster);
                    if line_w + cw > width && !line.is_empty() {
                        out.push(std::mem::replace(&mut line, Vec::with_capacity(room)));
                        line_w = 0;
                    }
                    line.extend_from_slice(cluster);
                    line_w += cw;
                }
            }
        }
        out.push(line);
    }
    out
}

/// Groups runs of equally styled cells into spans.
fn to_spans(cells: &[Cell]) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut text = String::new();
    let mut current: Option<Style> = None;
    for &(c, style) in cells {
        if current != Some(style) {
            if let Some(prev) = current {
                spans.push(Span::styled(std::mem::take(&mut text), prev));
            }
            current = Some(style);
        }
        text.push(c);
    }
    if let Some(prev) = current {
        spans.push(Span::styled(text, prev));
    }
    spans
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// Joins the Flow JSON `text` items into one markdown document, each item its own block
/// (separated by a blank line). In RichText, consecutive items that form a pipe table (a run
/// of rows containing `|` whose second row is a `---` delimiter row) are joined by single
/// newlines so they parse as one table.
fn source(lines: &[String], rich: bool) -> String {
    let mut tight = vec![false; lines.len()];
    if rich {
        let mut i = 0;
        while i < lines.len() {
            if lines[i].contains('|') {
                let mut j = i + 1;
                while j < lines.len() && lines[j].contains('|') {
                    j += 1;
                }
                if j - i >= 2 && is_delimiter_row(&lines[i + 1]) {
                    tight[i + 1..j].iter_mut().for_each(|t| *t = true);
                }
                i = j;
            } else {
                i += 1;
            }
        }
    }
    let mut src = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            src.push_str(if tight[i] { "\n" } else { "\n\n" });
        }
        src.push_str(line);
    }
    src
}

/// `| --- | :-: |`-style table delimiter row.
fn is_delimiter_row(line: &str) -> bool {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    !t.trim().is_empty()
        && t.split('|').all(|cell| {
            let c = cell.trim();
            let c = c.strip_prefix(':').unwrap_or(c);
            let c = c.strip_suffix(':').unwrap_or(c);
            !c.is_empty() && c.chars().all(|ch| ch == '-')
        })
}

fn options(rich: bool) -> Options {
    if rich {
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES
    } else {
        Options::ENABLE_STRIKETHROUGH
    }
}

/// Shortens a URL for display as plain text (data URIs are long).
fn abbreviate(url: &str) -> String {
    let url = sanitize(url);
    if url.chars().count() <= MAX_SHOWN_URL {
        url
    } else {
        let mut s: String = url.chars().take(MAX_SHOWN_URL - 1).collect();
        s.push('…');
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/// Renders markdown to styled lines wrapped to `width` columns.
///
/// `rich`: RichText semantics (headings `#`/`##` like TextHeading/TextSubheading, `###`+ as
/// body text, tables, inline images shown as an `[image: alt]` placeholder line; lists single
/// level: nested lists are flattened). `rich == false`: the TextBody/TextCaption subset (bold,
/// italic, strike, links, ordered/unordered lists, paragraphs; headings/images/tables shown as
/// the plain text that was written, image URLs abbreviated).
///
/// `lines` is the Flow JSON `text`: either one string or the array items; each item is its
/// own block (paragraph, list item, heading…), a single string may hold several blocks. As in
/// standard markdown, a single line break inside a paragraph joins the lines with a space;
/// a blank line or a separate array item starts a new paragraph.
///
/// Layout: one blank line between top-level blocks (paragraphs, headings, lists, tables);
/// none between the items of a list, even when each item was a separate array element.
/// List items get a `• ` or `1. ` marker and a hanging indent. A `width` of 0 is treated as
/// 1.
pub fn render(
    lines: &[String],
    width: u16,
    rich: bool,
    style: &MdStyle,
    layout: Layout,
) -> Vec<Line<'static>> {
    let src = source(lines, rich);
    let mut r = Renderer::new(style, usize::from(width).max(1), rich, layout);
    for (event, range) in Parser::new_ext(&src, options(rich)).into_offset_iter() {
        let raw = src.get(range).unwrap_or("");
        r.event(event, raw);
    }
    r.flush();
    r.out
}

/// An open list item.
struct Item {
    marker: String,
    marker_width: usize,
    /// Whether the marker line has been emitted.
    started: bool,
}

/// A table being collected.
struct Table {
    aligns: Vec<Alignment>,
    header: Vec<Vec<Cell>>,
    rows: Vec<Vec<Vec<Cell>>>,
    row: Vec<Vec<Cell>>,
}

/// An image being collected (its alt text arrives as inner events).
struct Image {
    url: String,
    alt: String,
    /// Nesting depth of images inside the alt text.
    depth: usize,
}

struct Renderer<'a> {
    st: &'a MdStyle,
    layout: Layout,
    width: usize,
    rich: bool,
    out: Vec<Line<'static>>,
    /// A blank line is owed before the next emitted line.
    gap: bool,
    /// Inline content of the current block.
    inline: Vec<Cell>,
    /// The next inline text must start on a new line (after an image placeholder).
    break_pending: bool,
    /// Style of the current block before inline modifiers (base or a heading style).
    block_style: Style,
    bold: usize,
    italic: usize,
    strike: usize,
    link: usize,
    in_table_head: bool,
    /// Open lists: `Some(next number)` for ordered lists.
    lists: Vec<Option<u64>>,
    items: Vec<Item>,
    table: Option<Table>,
    image: Option<Image>,
}

impl<'a> Renderer<'a> {
    fn new(st: &'a MdStyle, width: usize, rich: bool, layout: Layout) -> Self {
        Renderer {
            st,
            layout,
            width,
            rich,
            out: Vec::new(),
            gap: false,
            inline: Vec::new(),
            break_pending: false,
            block_style: st.base,
            bold: 0,
            italic: 0,
            strike: 0,
            link: 0,
            in_table_head: false,
            lists: Vec::new(),
            items: Vec::new(),
            table: None,
            image: None,
        }
    }

    /// The style of inline text at this point.
    fn style(&self) -> Style {
        let mut s = self.block_style;
        if self.bold > 0 || self.in_table_head {
            s = s.add_modifier(Modifier::BOLD);
        }
        if self.italic > 0 {
            s = s.add_modifier(Modifier::ITALIC);
        }
        if self.strike > 0 {
            s = s.add_modifier(Modifier::CROSSED_OUT);
        }
        if self.link > 0 {
            s = s.patch(self.st.link);
        }
        s
    }

    fn emit(&mut self, line: Line<'static>) {
        if self.gap {
            self.out.push(Line::default());
            self.gap = false;
        }
        self.out.push(line);
    }

    /// A block starts: top-level blocks are separated by a blank line.
    fn block_start(&mut self) {
        self.flush();
        if self.lists.is_empty() {
            self.gap = !self.out.is_empty();
        }
    }

    /// Appends (sanitised) text to the current block, `'\n'` becoming line breaks.
    fn push_text(&mut self, text: &str, style: Style) {
        if let Some(image) = &mut self.image {
            image.alt.push_str(text);
            return;
        }
        if self.break_pending {
            self.break_pending = false;
            self.push_break();
        }
        for (i, piece) in text.split('\n').enumerate() {
            if i > 0 {
                self.inline.push(('\n', style));
            }
            let piece = piece.strip_suffix('\r').unwrap_or(piece);
            self.inline
                .extend(sanitize(piece).chars().map(|c| (c, style)));
        }
    }

    /// Starts a new line in the current block unless already at a line start.
    fn push_break(&mut self) {
        if self.inline.last().is_some_and(|&(c, _)| c != '\n') {
            self.inline.push(('\n', self.style()));
        }
    }

    /// Emits the current block's inline content, wrapped, with the list item prefix.
    fn flush(&mut self) {
        self.break_pending = false;
        let mut cells = std::mem::take(&mut self.inline);
        while cells.last().is_some_and(|&(c, _)| c == '\n') {
            cells.pop();
        }
        let start = cells.iter().take_while(|&&(c, _)| c == '\n').count();
        let cells = &cells[start..];
        if cells.is_empty() {
            return;
        }
        let base = self.st.base;
        let (marker, indent) = match self.items.last() {
            Some(item) if !item.started => (item.marker.clone(), item.marker_width),
            Some(item) => (" ".repeat(item.marker_width), item.marker_width),
            None => (String::new(), 0),
        };
        let avail = self.width.saturating_sub(indent).max(1);
        let dir = self
            .layout
            .para_dir(&cells.iter().map(|&(c, _)| c).collect::<String>());
        for (i, line) in wrap_cells(cells, avail).into_iter().enumerate() {
            let mut spans = Vec::with_capacity(4);
            let prefix = if i == 0 {
                marker.clone()
            } else {
                " ".repeat(indent)
            };
            let line = visual_cells(&line, dir, self.layout);
            if dir == Dir::Rtl {
                // Right-aligned, the list marker on the right.
                let pad = avail.saturating_sub(cells_width(&line));
                spans.push(Span::raw(" ".repeat(pad)));
                spans.extend(to_spans(&line));
                if indent > 0 {
                    let marker = prefix.trim_end();
                    let lead = indent.saturating_sub(text::width(marker));
                    spans.push(Span::styled(format!("{}{marker}", " ".repeat(lead)), base));
                }
            } else {
                if indent > 0 {
                    spans.push(Span::styled(prefix, base));
                }
                spans.extend(to_spans(&line));
            }
            self.emit(Line::from(spans));
        }
        if let Some(item) = self.items.last_mut() {
            item.started = true;
        }
    }

    fn event(&mut self, event: Event<'_>, raw: &str) {
        match event {
            Event::Start(tag) => self.start(tag, raw),
            Event::End(tag) => self.end(tag),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.push_text(&t, self.style());
            }
            Event::Html(t) | Event::InlineHtml(t) => self.push_text(&t, self.style()),
            Event::FootnoteReference(t) => self.push_text(&format!("[^{t}]"), self.style()),
            Event::SoftBreak => self.push_text(" ", self.style()),
            Event::HardBreak => {
                if let Some(image) = &mut self.image {
                    image.alt.push(' ');
                } else {
                    self.inline.push(('\n', self.style()));
                }
            }
            Event::Rule => {
                self.block_start();
                let rule = "─".repeat(self.width);
                self.emit(Line::from(Span::styled(
                    rule,
                    self.st.base.patch(self.st.dim),
                )));
            }
            Event::TaskListMarker(done) => {
                self.push_text(if done { "[x] " } else { "[ ] " }, self.style());
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, raw: &str) {
        if let Some(image) = &mut self.image {
            // Only text matters inside an image's alt text.
            if matches!(tag, Tag::Image { .. }) {
                image.depth += 1;
            }
            return;
        }
        match tag {
            Tag::Paragraph | Tag::BlockQuote(_) | Tag::CodeBlock(_) | Tag::HtmlBlock => {
                self.block_start();
            }
            Tag::Heading { level, .. } => {
                self.block_start();
                if self.rich {
                    self.block_style = match level {
                        HeadingLevel::H1 => self.st.base.patch(self.st.heading1),
                        HeadingLevel::H2 => self.st.base.patch(self.st.heading2),
                        _ => self.st.base,
                    };
                } else if raw.trim_start().starts_with('#') {
                    let hashes = "#".repeat(level as usize);
                    self.push_text(&format!("{hashes} "), self.style());
                }
            }
            Tag::List(first) => {
                if self.lists.is_empty() {
                    self.block_start();
                } else {
                    self.flush();
                }
                self.lists.push(first);
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n = n.saturating_add(1);
                        m
                    }
                    _ => "• ".to_owned(),
                };
                let marker_width = marker.chars().map(char_width).sum();
                self.items.push(Item {
                    marker,
                    marker_width,
                    started: false,
                });
            }
            Tag::Table(aligns) => {
                self.block_start();
                self.table = Some(Table {
                    aligns,
                    header: Vec::new(),
                    rows: Vec::new(),
                    row: Vec::new(),
                });
            }
            Tag::TableHead => self.in_table_head = true,
            Tag::TableRow | Tag::TableCell => self.inline.clear(),
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Link { .. } => self.link += 1,
            Tag::Image { dest_url, .. } => {
                self.image = Some(Image {
                    url: dest_url.to_string(),
                    alt: String::new(),
                    depth: 0,
                });
            }
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        if let Some(image) = &mut self.image {
            if tag != TagEnd::Image {
                return;
            }
            if image.depth > 0 {
                image.depth -= 1;
                return;
            }
            if let Some(image) = self.image.take() {
                self.image_done(image);
            }
            return;
        }
        match tag {
            TagEnd::Paragraph | TagEnd::CodeBlock | TagEnd::HtmlBlock => self.flush(),
            TagEnd::Heading(_) => {
                self.flush();
                self.block_style = self.st.base;
            }
            TagEnd::BlockQuote(_) => {}
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                if let Some(item) = self.items.pop()
                    && !item.started
                {
                    // An empty item still shows its marker.
                    let marker = item.marker.trim_end().to_owned();
                    self.emit(Line::from(Span::styled(marker, self.st.base)));
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.inline);
                if let Some(table) = &mut self.table {
                    table.row.push(cell);
                }
            }
            TagEnd::TableHead => {
                self.in_table_head = false;
                if let Some(table) = &mut self.table {
                    table.header = std::mem::take(&mut table.row);
                }
            }
            TagEnd::TableRow => {
                if let Some(table) = &mut self.table {
                    let row = std::mem::take(&mut table.row);
                    table.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.render_table(table);
                }
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Link => self.link = self.link.saturating_sub(1),
            TagEnd::Image
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::MetadataBlock(_) => {}
        }
    }

    /// Shows a finished image: a placeholder line in RichText, the written text otherwise.
    fn image_done(&mut self, image: Image) {
        let alt = image.alt.trim();
        if self.rich {
            let text = if alt.is_empty() {
                "[image]".to_owned()
            } else {
                format!("[image: {alt}]")
            };
            self.push_break();
            let style = self.style().patch(self.st.dim);
            self.push_text(&text, style);
            self.break_pending = true;
        } else {
            let text = format!("![{alt}]({})", abbreviate(&image.url));
            self.push_text(&text, self.style());
        }
    }

    /// Draws a table with box-drawing characters. Column widths follow the header text (as on
    /// the phone; an empty header takes its column's content width), shrunk proportionally
    /// when the table is wider than the available width; cell text wraps. A table that cannot
    /// fit even one character per column is shown as one `a │ b` line per row instead.
    fn render_table(&mut self, table: Table) {
        let Table {
            aligns,
            header,
            mut rows,
            ..
        } = table;
        let ncols = rows
            .iter()
            .map(Vec::len)
            .chain([header.len(), aligns.len()])
            .max()
            .unwrap_or(0);
        if ncols == 0 {
            return;
        }
        let mut header = header;
        header.resize(ncols, Vec::new());
        for row in &mut rows {
            row.resize(ncols, Vec::new());
        }
        let border = self.st.base.patch(self.st.table_border);
        let base = self.st.base;

        // Padding only while columns can keep at least 3 characters.
        let pad = if ncols * 6 < self.width { 1 } else { 0 };
        let overhead = 1 + ncols * (1 + 2 * pad);
        if overhead + ncols > self.width {
            self.render_table_as_lines(&header, &rows, border);
            return;
        }
        let mut widths: Vec<usize> = (0..ncols)
            .map(|c| {
                let w = cells_width(&header[c]);
                if w > 0 {
                    w
                } else {
                    rows.iter().map(|r| cells_width(&r[c])).max().unwrap_or(0)
                }
                .max(1)
            })
            .collect();
        shrink(&mut widths, self.width - overhead);

        let rule = |left: &str, mid: &str, right: &str| {
            let body = widths
                .iter()
                .map(|w| "─".repeat(w + 2 * pad))
                .collect::<Vec<_>>()
                .join(mid);
            Line::from(Span::styled(format!("{left}{body}{right}"), border))
        };
        let top = rule("┌", "┬", "┐");
        let sep = rule("├", "┼", "┤");
        let bottom = rule("└", "┴", "┘");

        self.emit(top);
        let header_lines = table_row(&header, &widths, &aligns, pad, (border, base), self.layout);
        for line in header_lines {
            self.emit(line);
        }
        if !rows.is_empty() {
            self.emit(sep);
        }
        for row in &rows {
            for line in table_row(row, &widths, &aligns, pad, (border, base), self.layout) {
                self.emit(line);
            }
        }
        self.emit(bottom);
    }

    fn render_table_as_lines(
        &mut self,
        header: &[Vec<Cell>],
        rows: &[Vec<Vec<Cell>>],
        border: Style,
    ) {
        for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
            let mut cells: Vec<Cell> = Vec::new();
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    cells.extend([(' ', border), ('│', border), (' ', border)]);
                }
                cells.extend(cell.iter().copied().filter(|&(c, _)| c != '\n'));
            }
            for line in wrap_cells(&cells, self.width) {
                self.emit(Line::from(to_spans(&line)));
            }
        }
    }
}

/// Shrinks column widths proportionally so they sum to at most `avail` (each at least 1;
/// `avail >= widths.len()`).
fn shrink(widths: &mut [usize], avail: usize) {
    let total: usize = widths.iter().sum();
    if total <= avail || widths.is_empty() {
        return;
    }
    let orig = widths.to_vec();
    for w in widths.iter_mut() {
        *w = (*w * avail / total).max(1);
    }
    // Rounding: give leftover columns to the most-shrunk columns, take excess from the widest.
    loop {
        let sum: usize = widths.iter().sum();
        if sum > avail {
            match widths.iter_mut().filter(|w| **w > 1).max_by_key(|w| **w) {
                Some(w) => *w -= 1,
                None => break,
            }
        } else if sum < avail {
            let most_shrunk = (0..widths.len())
                .filter(|&i| widths[i] < orig[i])
                .max_by_key(|&i| orig[i] - widths[i]);
            match most_shrunk {
                Some(i) => widths[i] += 1,
                None => break,
            }
        } else {
            break;
        }
    }
}

/// One table row (possibly several terminal lines when cells wrap).
fn table_row(
    row: &[Vec<Cell>],
    widths: &[usize],
    aligns: &[Alignment],
    pad: usize,
    (border, base): (Style, Style),
    layout: Layout,
) -> Vec<Line<'static>> {
    let wrapped: Vec<Vec<Vec<Cell>>> = row
        .iter()
        .zip(widths)
        .map(|(cell, &w)| wrap_cells(cell, w))
        .collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let padding = " ".repeat(pad);
    (0..height)
        .map(|li| {
            let mut spans = vec![Span::styled("│", border)];
            for (c, (cell, &w)) in wrapped.iter().zip(widths).enumerate() {
                let content: &[Cell] = cell.get(li).map_or(&[], Vec::as_slice);
                let dir = layout.para_dir(&content.iter().map(|&(c, _)| c).collect::<String>());
                let content = visual_cells(content, dir, layout);
                let free = w.saturating_sub(cells_width(&content));
                let (before, after) = match aligns.get(c) {
                    Some(Alignment::Right) => (free, 0),
                    Some(Alignment::Center) => (free / 2, free - free / 2),
                    _ if dir == Dir::Rtl => (free, 0),
                    _ => (0, free),
                };
                spans.push(Span::styled(
                    format!("{padding}{}", " ".repeat(before)),
                    base,
                ));
                spans.extend(to_spans(&content));
                spans.push(Span::styled(
                    format!("{}{padding}", " ".repeat(after)),
                    base,
                ));
                spans.push(Span::styled("│", border));
            }
            Line::from(spans)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Links, images, plain text
// ---------------------------------------------------------------------------------------------

/// Links found, in order, as `(text, url)` (sanitised; text whitespace-trimmed) — for the UI
/// to list them. Parsed with RichText syntax.
pub fn links(lines: &[String]) -> Vec<(String, String)> {
    let src = source(lines, true);
    let mut found = Vec::new();
    let mut open: Vec<(String, String)> = Vec::new();
    for event in Parser::new_ext(&src, options(true)) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                open.push((String::new(), dest_url.to_string()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((text, url)) = open.pop() {
                    found.push((sanitize(text.trim()), sanitize(&url)));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((text, _)) = open.last_mut() {
                    text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((text, _)) = open.last_mut() {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    found
}

/// Images found, in order, as `(alt text, src)` (alt sanitised and trimmed; `src` as written,
/// e.g. a `data:image/png;base64,…` URI for [`super::image::halfblocks`]). They correspond, in
/// order, to the `[image…]` placeholder lines of a rich [`render`].
pub fn images(lines: &[String]) -> Vec<(String, String)> {
    let src = source(lines, true);
    let mut found = Vec::new();
    let mut open: Vec<(String, String)> = Vec::new();
    for event in Parser::new_ext(&src, options(true)) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                open.push((String::new(), dest_url.to_string()));
            }
            Event::End(TagEnd::Image) => {
                if let Some((alt, url)) = open.pop() {
                    if let Some((outer, _)) = open.last_mut() {
                        outer.push_str(&alt);
                    } else {
                        found.push((sanitize(alt.trim()), url));
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((alt, _)) = open.last_mut() {
                    alt.push_str(&t);
                }
            }
            _ => {}
        }
    }
    found
}

/// Plain text with markup removed (for search and `expect.text`): one line per paragraph,
/// heading, list item, code line and table row (cells joined by ` | `); no list markers,
/// no blank lines, images left out. Parsed with RichText syntax; sanitised.
pub fn plain(lines: &[String]) -> String {
    let src = source(lines, true);
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut image_depth = 0usize;
    fn end_line(out: &mut Vec<String>, line: &mut String) {
        let t = line.trim();
        if !t.is_empty() {
            out.push(sanitize(t));
        }
        line.clear();
    }
    for event in Parser::new_ext(&src, options(true)) {
        match event {
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            _ if image_depth > 0 => {}
            Event::Start(Tag::TableCell) if !line.trim().is_empty() => line.push_str(" | "),
            Event::Start(Tag::Item | Tag::List(_))
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::TableHead
                | TagEnd::TableRow,
            )
            | Event::HardBreak
            | Event::Rule => end_line(&mut out, &mut line),
            Event::Text(t)
            | Event::Code(t)
            | Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => {
                for (i, piece) in t.split('\n').enumerate() {
                    if i > 0 {
                        end_line(&mut out, &mut line);
                    }
                    line.push_str(piece);
                }
            }
            Event::SoftBreak => line.push(' '),
            _ => {}
        }
    }
    end_line(&mut out, &mut line);
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowsim_core::text::is_unsafe_char;
    use ratatui::style::Color;

    fn s(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn style() -> MdStyle {
        MdStyle {
            base: Style::new().fg(Color::White),
            heading1: Style::new().add_modifier(Modifier::BOLD).fg(Color::Yellow),
            heading2: Style::new().add_modifier(Modifier::BOLD),
            link: Style::new()
                .fg(Color::Green)
                .add_modifier(Modifier::UNDERLINED),
            dim: Style::new().fg(Color::Gray),
            table_border: Style::new().fg(Color::DarkGray),
        }
    }

    fn text(line: &Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(text).collect()
    }

    fn width(line: &Line<'_>) -> usize {
        width_of(&text(line))
    }

    fn width_of(s: &str) -> usize {
        s.chars().map(char_width).sum()
    }

    /// The style of the first span containing `needle`.
    fn style_of(lines: &[Line<'_>], needle: &str) -> Style {
        lines
            .iter()
            .flat_map(|l| l.spans.iter())
            .find(|s| s.content.contains(needle))
            .map(|s| s.style)
            .unwrap_or_else(|| panic!("no span contains {needle:?}"))
    }

    #[test]
    fn inline_styles_land_on_the_right_spans() {
        let st = style();
        let lines = render(
            &s(&["plain **bold** *italic* ~~gone~~ ~~***all***~~ end"]),
            80,
            false,
            &st,
            Layout::default(),
        );
        assert_eq!(texts(&lines), ["plain bold italic gone all end"]);
        assert_eq!(style_of(&lines, "plain"), st.base);
        assert_eq!(
            style_of(&lines, "bold"),
            st.base.add_modifier(Modifier::BOLD)
        );
        assert_eq!(
            style_of(&lines, "italic"),
            st.base.add_modifier(Modifier::ITALIC)
        );
        assert_eq!(
            style_of(&lines, "gone"),
            st.base.add_modifier(Modifier::CROSSED_OUT)
        );
        assert_eq!(
            style_of(&lines, "all"),
            st.base
                .add_modifier(Modifier::BOLD | Modifier::ITALIC | Modifier::CROSSED_OUT)
        );
        assert_eq!(style_of(&lines, "end"), st.base);
    }

    #[test]
    fn lists_wrap_with_hanging_indent_and_no_gaps_between_items() {
        let st = style();
        let lines = render(
            &s(&[
                "Intro",
                "- first item that is long enough to wrap",
                "- second",
                "1. one two three four five six",
                "2. next",
            ]),
            20,
            false,
            &st,
            Layout::default(),
        );
        assert_eq!(
            texts(&lines),
            [
                "Intro",
                "",
                "• first item that is",
                "  long enough to",
                "  wrap",
                "• second",
                "",
                "1. one two three",
                "   four five six",
                "2. next",
            ]
        );
        assert!(lines.iter().all(|l| width(l) <= 20));
    }

    #[test]
    fn paragraphs_are_separated_by_one_blank_line() {
        let lines = render(
            &s(&["One", "Two\n\nThree"]),
            40,
            false,
            &style(),
            Layout::default(),
        );
        assert_eq!(texts(&lines), ["One", "", "Two", "", "Three"]);
    }

    #[test]
    fn table_fits_within_width() {
        let st = style();
        let rows = s(&[
            "## Prices",
            "| Plan | Monthly price |",
            "| --- | ---: |",
            "| Basic | 10 |",
            "| Premium with extras | 25 |",
        ]);
        let wide = render(&rows, 60, true, &st, Layout::default());
        // Column widths follow the header text (as on the phone); cell text wraps inside.
        assert_eq!(
            texts(&wide),
            [
                "Prices",
                "",
                "┌──────┬───────────────┐",
                "│ Plan │ Monthly price │",
                "├──────┼───────────────┤",
                "│ Basi │            10 │",
                "│ c    │               │",
                "│ Prem │            25 │",
                "│ ium  │               │",
                "│ with │               │",
                "│ extr │               │",
                "│ as   │               │",
                "└──────┴───────────────┘",
            ]
        );
        // Too wide: shrunk proportionally.
        assert_eq!(
            texts(&render(&rows[1..3], 20, true, &st, Layout::default())),
            [
                "┌─────┬────────────┐",
                "│ Pla │    Monthly │",
                "│ n   │      price │",
                "└─────┴────────────┘"
            ]
        );
        assert_eq!(
            style_of(&wide, "Plan"),
            st.base.add_modifier(Modifier::BOLD)
        );
        assert_eq!(style_of(&wide, "┌"), st.base.patch(st.table_border));

        for w in [10u16, 14, 20, 25] {
            let lines = render(&rows, w, true, &st, Layout::default());
            assert!(
                lines.iter().all(|l| width(l) <= usize::from(w)),
                "width {w}: {:#?}",
                texts(&lines)
            );
            assert!(texts(&lines).iter().any(|l| l.starts_with('┌')));
        }
        // Far too narrow for the grid: rows as lines, still within the width.
        let lines = render(&rows, 4, true, &st, Layout::default());
        assert!(lines.iter().all(|l| width(l) <= 4));
    }

    #[test]
    fn tables_are_plain_text_outside_rich_text() {
        let lines = render(
            &s(&["| A | B |", "| --- | --- |"]),
            40,
            false,
            &style(),
            Layout::default(),
        );
        assert_eq!(texts(&lines), ["| A | B |", "", "| --- | --- |"]);
    }

    #[test]
    fn links_show_text_in_link_style() {
        let st = style();
        let src = s(&[
            "Read [our terms](https://example.com/t) and **[privacy](https://example.com/p)**.",
        ]);
        let lines = render(&src, 80, false, &st, Layout::default());
        assert_eq!(texts(&lines), ["Read our terms and privacy."]);
        assert_eq!(style_of(&lines, "our terms"), st.base.patch(st.link));
        assert_eq!(
            style_of(&lines, "privacy"),
            st.base.add_modifier(Modifier::BOLD).patch(st.link)
        );
        assert_eq!(
            links(&src),
            [
                ("our terms".to_owned(), "https://example.com/t".to_owned()),
                ("privacy".to_owned(), "https://example.com/p".to_owned()),
            ]
        );
    }

    #[test]
    fn sanitize_removes_escapes_and_bidi_controls() {
        assert_eq!(sanitize("a\x1b[31mb"), "a\u{fffd}[31mb");
        assert_eq!(sanitize("x\u{9b}2Jy"), "x\u{fffd}2Jy");
        assert_eq!(
            sanitize("\u{202e}evil\u{2066}\u{200f}"),
            "\u{fffd}evil\u{fffd}\u{fffd}"
        );
        assert_eq!(sanitize("tab\there"), "tab here");
        assert_eq!(sanitize("café 日本"), "café 日本");

        let evil = s(&["**\x1b]0;pwned\x07** [\u{202e}x](https://e.com/\x1b)"]);
        let all: String = render(&evil, 80, true, &style(), Layout::default())
            .iter()
            .map(text)
            .chain([plain(&evil)])
            .chain(links(&evil).into_iter().flat_map(|(a, b)| [a, b]))
            .collect();
        assert!(!all.chars().any(is_unsafe_char), "{all:?}");
    }

    #[test]
    fn wrap_by_display_width() {
        assert_eq!(wrap("日本語のテキスト", 6), ["日本語", "のテキ", "スト"]);
        assert_eq!(wrap("ab 日本語", 5), ["ab", "日本", "語"]);
        assert_eq!(
            wrap("a supercalifragilistic word", 8),
            ["a", "supercal", "ifragili", "stic", "word"]
        );
        assert_eq!(wrap("one  two\nthree", 20), ["one two", "three"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
        assert_eq!(wrap("x", 0), ["x"]);
        assert_eq!(wrap("日", 1), ["日"]);
        for line in wrap(
            "the quick brown fox jumps over the lazy dog 日本語のテキスト",
            7,
        ) {
            assert!(line.chars().map(char_width).sum::<usize>() <= 7, "{line:?}");
        }
    }

    #[test]
    fn headings_in_rich_mode_and_plain_mode() {
        let st = style();
        let src = s(&["# Title", "## Sub", "### Small", "Body"]);
        let rich = render(&src, 40, true, &st, Layout::default());
        assert_eq!(texts(&rich), ["Title", "", "Sub", "", "Small", "", "Body"]);
        assert_eq!(style_of(&rich, "Title"), st.base.patch(st.heading1));
        assert_eq!(style_of(&rich, "Sub"), st.base.patch(st.heading2));
        assert_eq!(style_of(&rich, "Small"), st.base);

        let body = render(&src, 40, false, &st, Layout::default());
        assert_eq!(
            texts(&body),
            ["# Title", "", "## Sub", "", "### Small", "", "Body"]
        );
        assert!(
            body.iter()
                .flat_map(|l| &l.spans)
                .all(|s| s.style == st.base)
        );
    }

    #[test]
    fn images_are_placeholders_in_rich_text() {
        let st = style();
        let src = s(&["Logo: ![Our logo](data:image/png;base64,iVBORw0KGgo=) after"]);
        let rich = render(&src, 40, true, &st, Layout::default());
        assert_eq!(texts(&rich), ["Logo:", "[image: Our logo]", "after"]);
        assert_eq!(style_of(&rich, "[image"), st.base.patch(st.dim));
        assert_eq!(
            images(&src),
            [(
                "Our logo".to_owned(),
                "data:image/png;base64,iVBORw0KGgo=".to_owned()
            )]
        );
        let body = render(&src, 80, false, &st, Layout::default());
        assert_eq!(
            texts(&body),
            ["Logo: ![Our logo](data:image/png;base64,iVBORw0KG…) after"]
        );
    }

    #[test]
    fn plain_strips_markup() {
        let src = s(&[
            "# Terms",
            "Read **carefully**, [here](https://x.y).",
            "- Item one",
            "- Item two",
            "| A | B |",
            "| --- | --- |",
            "| 1 | *2* |",
            "![pic](data:image/png;base64,AAAA)",
        ]);
        assert_eq!(
            plain(&src),
            "Terms\nRead carefully, here.\nItem one\nItem two\nA | B\n1 | 2"
        );
    }

    #[test]
    fn meta_example_renders() {
        let src = s(&[
            "## Terms",
            "Read **carefully**.",
            "- Item one",
            "- Item two",
            "| A | B |",
            "| --- | --- |",
            "| 1 | 2 |",
        ]);
        assert_eq!(
            texts(&render(&src, 30, true, &style(), Layout::default())),
            [
                "Terms",
                "",
                "Read carefully.",
                "",
                "• Item one",
                "• Item two",
                "",
                "┌───┬───┐",
                "│ A │ B │",
                "├───┼───┤",
                "│ 1 │ 2 │",
                "└───┴───┘",
            ]
        );
    }

    #[test]
    fn nested_lists_are_flattened_and_empty_items_keep_markers() {
        let lines = render(
            &s(&["- a\n  - b\n- \n- c"]),
            20,
            true,
            &style(),
            Layout::default(),
        );
        assert_eq!(texts(&lines), ["• a", "• b", "•", "• c"]);
    }

    /// Random markdown-ish input never panics, never emits unsafe characters and stays within
    /// the width.
    #[test]
    fn random_input_is_safe_and_fits() {
        const TOKENS: &[&str] = &[
            "word",
            "日本語",
            " ",
            " ",
            "**",
            "*",
            "~~",
            "[",
            "](",
            ")",
            "![",
            "|",
            "---",
            "\n",
            "- ",
            "1. ",
            "# ",
            "## ",
            "\x1b[2J",
            "\u{202e}",
            "`",
            "> ",
            "<b>",
            "\t",
            "supercalifragilisticexpialidocious",
            "data:image/png;base64,AAAA",
            ":",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let st = style();
        for _ in 0..400 {
            let items: Vec<String> = (0..1 + next(6))
                .map(|_| (0..next(24)).map(|_| TOKENS[next(TOKENS.len())]).collect())
                .collect();
            let width = 12 + next(50) as u16;
            for rich in [false, true] {
                for line in render(&items, width, rich, &st, Layout::default()) {
                    let t = text(&line);
                    assert!(!t.chars().any(is_unsafe_char), "{items:?}: {t:?}");
                    assert!(
                        width_of(&t) <= usize::from(width),
                        "{items:?} @{width}: {t:?}"
                    );
                }
            }
            let p = plain(&items);
            assert!(!p.chars().any(|c| c != '\n' && is_unsafe_char(c)), "{p:?}");
            let _ = (links(&items), images(&items));
        }
    }

    #[test]
    fn shrink_is_proportional_and_exact() {
        let mut w = vec![10, 30];
        shrink(&mut w, 20);
        assert_eq!(w, [5, 15]);
        let mut w = vec![1, 1, 50];
        shrink(&mut w, 10);
        assert_eq!(w.iter().sum::<usize>(), 10);
        assert!(w.iter().all(|&x| x >= 1));
    }
}
