//! A drawn screen as an SVG picture: the very buffer the preview's widgets draw into,
//! converted cell by cell (background runs as rectangles, text runs in a monospace font),
//! inside a phone frame in the theme's colours. No second renderer.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

use crate::ui::theme::Theme;

/// One cell in CSS pixels: a 14 px monospace font is about 8.4 px wide and 17 px tall.
const CELL_W: f64 = 8.4;
const CELL_H: f64 = 17.0;
const FONT_SIZE: f64 = 14.0;
/// The phone's bezel around the screen.
const BEZEL: f64 = 14.0;

fn hex(c: Color, fallback: Color) -> String {
    let (r, g, b) = match c {
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Black => (0, 0, 0),
        Color::Red => (0xcd, 0x31, 0x31),
        Color::Green => (0x0d, 0xbc, 0x79),
        Color::Yellow => (0xe5, 0xe5, 0x10),
        Color::Blue => (0x24, 0x72, 0xc8),
        Color::Magenta => (0xbc, 0x3f, 0xbc),
        Color::Cyan => (0x11, 0xa8, 0xcd),
        Color::Gray => (0xe5, 0xe5, 0xe5),
        Color::DarkGray => (0x66, 0x66, 0x66),
        Color::White => (0xff, 0xff, 0xff),
        _ => return hex(fallback, Color::Rgb(0, 0, 0)),
    };
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Text for XML: escaped, without the control characters XML 1.0 forbids.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push(' ')
            }
            c => out.push(c),
        }
    }
    out
}

/// The style of a cell as SVG sees it: colours after `REVERSED`, and the modifiers drawn.
#[derive(Clone, PartialEq)]
struct Look {
    fg: String,
    bg: String,
    bold: bool,
    italic: bool,
    underline: bool,
    strike: bool,
    dim: bool,
}

fn look(cell: &ratatui::buffer::Cell, theme: &Theme) -> Look {
    let mut fg = hex(cell.fg, theme.fg);
    let mut bg = hex(cell.bg, theme.bg);
    if cell.modifier.contains(Modifier::REVERSED) {
        std::mem::swap(&mut fg, &mut bg);
    }
    Look {
        fg,
        bg,
        bold: cell.modifier.contains(Modifier::BOLD),
        italic: cell.modifier.contains(Modifier::ITALIC),
        underline: cell.modifier.contains(Modifier::UNDERLINED),
        strike: cell.modifier.contains(Modifier::CROSSED_OUT),
        dim: cell.modifier.contains(Modifier::DIM),
    }
}

/// A half-block cell, two pixels of a picture: the upper one is the foreground, the lower one
/// the background. Its upper pixel is drawn as a rectangle, not as the character, so pictures
/// are exact whatever the font's idea of half a cell.
const UPPER_HALF: &str = "▀";

/// A buffer as an SVG document: a phone frame around the drawing.
pub fn svg(buf: &Buffer, theme: &Theme, title: &str) -> String {
    let (cols, rows) = (buf.area.width, buf.area.height);
    let (w, h) = (f64::from(cols) * CELL_W, f64::from(rows) * CELL_H);
    let (outer_w, outer_h) = (w + 2.0 * BEZEL, h + 2.0 * BEZEL);
    let bezel = if theme.dark { "#000000" } else { "#2b3035" };
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{outer_w:.1}" height="{outer_h:.1}" viewBox="0 0 {outer_w:.1} {outer_h:.1}" role="img" aria-label="{}">"#,
        xml(title)
    );
    let _ = writeln!(out, "<title>{}</title>", xml(title));
    let _ = writeln!(
        out,
        r#"<rect x="0" y="0" width="{outer_w:.1}" height="{outer_h:.1}" rx="26" fill="{bezel}"/>"#
    );
    let _ = writeln!(out, r#"<g transform="translate({BEZEL},{BEZEL})">"#);
    let _ = writeln!(
        out,
        r#"<rect x="0" y="0" width="{w:.1}" height="{h:.1}" rx="12" fill="{}"/>"#,
        hex(theme.bg, theme.bg)
    );
    // Backgrounds: one rectangle per run of cells of the same colour on a row.
    for y in 0..rows {
        let mut x = 0;
        while x < cols {
            let bg = look(&buf[(x, y)], theme).bg;
            let start = x;
            while x < cols && look(&buf[(x, y)], theme).bg == bg {
                x += 1;
            }
            if bg != hex(theme.bg, theme.bg) {
                let _ = writeln!(
                    out,
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{CELL_H:.1}" fill="{bg}"/>"#,
                    f64::from(start) * CELL_W,
                    f64::from(y) * CELL_H,
                    f64::from(x - start) * CELL_W,
                );
            }
        }
    }
    // Pictures: the upper pixels of half-block cells, one rectangle per run of a colour.
    for y in 0..rows {
        let mut x = 0;
        while x < cols {
            if buf[(x, y)].symbol() != UPPER_HALF {
                x += 1;
                continue;
            }
            let fg = look(&buf[(x, y)], theme).fg;
            let start = x;
            while x < cols
                && buf[(x, y)].symbol() == UPPER_HALF
                && look(&buf[(x, y)], theme).fg == fg
            {
                x += 1;
            }
            let _ = writeln!(
                out,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{fg}"/>"#,
                f64::from(start) * CELL_W,
                f64::from(y) * CELL_H,
                f64::from(x - start) * CELL_W,
                CELL_H / 2.0,
            );
        }
    }
    let _ = writeln!(
        out,
        r#"<g font-family="ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="{FONT_SIZE}" xml:space="preserve">"#
    );
    // Text: one element per run of cells of the same look, stretched to its cells so wide
    // characters and box drawing stay on the grid whatever the font.
    for y in 0..rows {
        let mut x = 0;
        while x < cols {
            if buf[(x, y)].symbol() == UPPER_HALF {
                x += 1;
                continue;
            }
            let first = look(&buf[(x, y)], theme);
            let start = x;
            let mut text = String::new();
            while x < cols {
                let cell = &buf[(x, y)];
                if look(cell, theme) != first || cell.symbol() == UPPER_HALF {
                    break;
                }
                let symbol = cell.symbol();
                text.push_str(symbol);
                x += (symbol.width() as u16).max(1);
            }
            let cells = x.min(cols) - start;
            if text.trim().is_empty() {
                continue;
            }
            let mut attrs = format!(r#" fill="{}""#, first.fg);
            if first.bold {
                attrs.push_str(r#" font-weight="bold""#);
            }
            if first.italic {
                attrs.push_str(r#" font-style="italic""#);
            }
            match (first.underline, first.strike) {
                (true, true) => attrs.push_str(r#" text-decoration="underline line-through""#),
                (true, false) => attrs.push_str(r#" text-decoration="underline""#),
                (false, true) => attrs.push_str(r#" text-decoration="line-through""#),
                _ => {}
            }
            if first.dim {
                attrs.push_str(r#" opacity="0.6""#);
            }
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" textLength="{:.1}" lengthAdjust="spacingAndGlyphs"{attrs}>{}</text>"#,
                f64::from(start) * CELL_W,
                f64::from(y) * CELL_H + CELL_H * 0.76,
                f64::from(cells) * CELL_W,
                xml(&text)
            );
        }
    }
    out.push_str("</g>\n</g>\n</svg>\n");
    out
}
