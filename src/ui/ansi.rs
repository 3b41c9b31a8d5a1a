//! A drawn buffer as text: plain for `flowsim render` and snapshots, or with the cells'
//! colours and styles as SGR escapes.

use super::*;

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
