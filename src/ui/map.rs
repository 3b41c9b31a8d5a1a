//! The map of the flow over the preview: the same map as `flowsim graph`, with the screen
//! shown now and the path walked so far highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget};

use super::theme::Theme;
use flowsim_core::routes::{self, Mark, Marks, Routes};
use flowsim_core::sim::Session;
use flowsim_core::text::sanitize;

/// Draws the map over `area`; returns the last scroll offset that still shows text.
pub fn map(t: &Theme, session: &Session, scroll: u16, area: Rect, buf: &mut Buffer) -> u16 {
    let w = area.width.min(90);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + 1,
        width: w,
        height: area.height.saturating_sub(2),
    };
    Clear.render(r, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.focus())
        .title(Span::styled(" map of the flow ", t.bold()))
        .title_bottom(Span::styled(" Esc or m closes ", t.dimmed()));
    let inner = block.inner(r);
    block.style(t.base()).render(r, buf);
    let map = Routes::of(&session.flow);
    let marks = Marks::walked(&map, &session.walked, session.current());
    let mut lines: Vec<Line> = routes::text(&map, &marks)
        .into_iter()
        .map(|l| {
            let style = match l.mark {
                Mark::Current => t.focus().add_modifier(Modifier::REVERSED),
                Mark::Reached => t.accent().add_modifier(Modifier::BOLD),
                Mark::Untested | Mark::Plain => t.text(),
            };
            Line::styled(sanitize(&l.text), style)
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("▸ this screen", t.focus().add_modifier(Modifier::REVERSED)),
        Span::styled("   ", t.text()),
        Span::styled("walked so far", t.accent().add_modifier(Modifier::BOLD)),
        Span::styled(
            "   (flowsim graph draws this map as text, Mermaid or DOT)",
            t.dimmed(),
        ),
    ]));
    let last = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(inner.height);
    Paragraph::new(lines)
        .scroll((scroll.min(last), 0))
        .render(inner, buf);
    last
}
