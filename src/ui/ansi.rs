//! A drawn buffer as text: plain for `flowsim render` and snapshots, or with the cells'
//! colours and styles as SGR escapes.

use super::*;
use ratatui::buffer::Cell;

/// A buffer as plain text, one line per row, trailing spaces removed.
pub fn to_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for cell in row(buf, y) {
            line.push_str(cell.symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A buffer as text with ANSI colours (24-bit), for `flowsim render --color always`. Each
/// change of style resets the previous one and sets the cell's colours and effects.
pub fn to_ansi(buf: &Buffer) -> String {
    use anstyle::{Effects, Reset, RgbColor};
    use ratatui::style::Color;
    let rgb = |c: Color| match c {
        Color::Rgb(r, g, b) => Some(RgbColor(r, g, b).into()),
        _ => None,
    };
    let effects = [
        (Modifier::BOLD, Effects::BOLD),
        (Modifier::DIM, Effects::DIMMED),
        (Modifier::ITALIC, Effects::ITALIC),
        (Modifier::UNDERLINED, Effects::UNDERLINE),
        (Modifier::REVERSED, Effects::INVERT),
        (Modifier::CROSSED_OUT, Effects::STRIKETHROUGH),
    ];
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut last: Option<(Color, Color, Modifier)> = None;
        for cell in row(buf, y) {
            let key = (cell.fg, cell.bg, cell.modifier);
            if last != Some(key) {
                let fx = effects
                    .iter()
                    .filter(|(m, _)| cell.modifier.contains(*m))
                    .fold(Effects::new(), |all, (_, e)| all | *e);
                let style = anstyle::Style::new()
                    .effects(fx)
                    .fg_color(rgb(cell.fg))
                    .bg_color(rgb(cell.bg));
                out.push_str(&format!("{}{}", Reset.render(), style.render()));
                last = Some(key);
            }
            out.push_str(cell.symbol());
        }
        out.push_str(&format!("{}\n", Reset.render()));
    }
    out
}

/// The cells of row `y` that show, left to right: a wide symbol's cell stands for the cells
/// it covers, which are skipped.
fn row(buf: &Buffer, y: u16) -> impl Iterator<Item = &Cell> {
    let mut skip = 0;
    (0..buf.area.width).filter_map(move |x| {
        if skip > 0 {
            skip -= 1;
            return None;
        }
        let cell = &buf[(x, y)];
        skip = text::width(cell.symbol()).saturating_sub(1);
        Some(cell)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_renderings_show_a_wide_symbol_once() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        buf.set_string(0, 0, "日本x", Style::new());
        assert_eq!(to_text(&buf), "日本x\n");
        // The coloured text, its escapes (`ESC [ … m`) taken out, is the same symbols.
        let ansi = to_ansi(&buf);
        let mut shown = String::new();
        let mut chars = ansi.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                chars.by_ref().find(|&c| c == 'm');
            } else {
                shown.push(c);
            }
        }
        assert_eq!(shown, "日本x \n");
    }
}
