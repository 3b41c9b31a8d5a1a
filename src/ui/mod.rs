//! Drawing: pure functions from state to a ratatui buffer. Nothing here awaits or does IO.
//! The interactive app ([`draw`]) and `flowsim render` ([`phone`]) share the phone drawing,
//! so what `render` prints is what the preview shows.
//!
//! Here: [`draw`] (the whole screen), the sample picker and `flowsim render`'s entry. By what
//! they draw: `phone` (the phone), [`body`] (its components), `overlays` (list, calendar,
//! file path, help), `panel` (status line, hint bar, findings, side panel), `endpoint` (the
//! inspector and step mode), `ansi` (a buffer as text), with [`theme`], [`text`] (widths and
//! bidi), [`markdown`], [`json`] and [`image`]. The widgets read the app ([`crate::app`]) and
//! never change it; they import nothing from the runtime or the command line.

mod ansi;
pub mod body;
mod endpoint;
pub mod image;
pub mod json;
mod map;
pub mod markdown;
mod media;
mod overlays;
mod panel;
mod phone;
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
use flowsim_core::flow::spec::{self, Kind};
use flowsim_core::sim::checks::{date_allowed, missing_required, parse_date, weekday_name};
use flowsim_core::sim::{Level, Phase, ScreenView, Session};
use flowsim_core::text::sanitize;
use markdown::wrap;
use text::{Dir, Layout, truncate};
use theme::Theme;

pub use crate::app::device::MIN_WIDTH;
pub use ansi::{to_ansi, to_text};
pub use phone::{Phone, phone};

use endpoint::{inspector, step_box};
use overlays::help;
use panel::{findings_box, hint_line, panel, status_line};
use phone::footer_height;

/// How the widgets paint, which the app state does not hold: the palette, and real pictures
/// when the terminal has a graphics protocol.
pub struct Paint {
    pub theme: Theme,
    pub graphics: Option<image::Graphics>,
    /// The phone's components as earlier frames laid them out, for the next frame to reuse.
    pub layouts: body::Layouts,
}

impl From<Theme> for Paint {
    /// The palette, with no pictures.
    fn from(theme: Theme) -> Paint {
        Paint {
            theme,
            graphics: None,
            layouts: body::Layouts::default(),
        }
    }
}

/// Draws the whole interactive screen: status line, phone, side panel, findings, hint bar.
pub fn draw(frame: &mut Frame, app: &App, paint: &Paint) -> Drawn {
    let area = frame.area();
    let buf = frame.buffer_mut();
    let t = &paint.theme;
    if area.width < 10 || area.height < 8 {
        buf.set_string(area.x, area.y, "flowsim: terminal too small", t.dimmed());
        return Drawn::default();
    }
    // One view of the screen for the whole frame.
    let view = app.view();
    let mode = app.mode_in(&view);
    // Status line.
    let status = status_line(app, t);
    buf.set_line(area.x, area.y, &status, area.width);
    // Hint bar.
    let hints = hint_line(app, t, mode);
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
        findings_box(app, t, r, buf);
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
    let mut pictures = Vec::new();
    if phone_area.width > 0 {
        let p = Phone {
            session: app.session(),
            view: &view,
            theme: t,
            focus: app.focus.as_ref(),
            editor: app.editor.as_ref().map(|(k, i)| (&**k, i)),
            carousel: &app.carousel,
            overlay: &app.overlay,
            scroll: app.scroll,
            follow: app.follow,
            plain: false,
            graphics: paint.graphics.as_ref(),
            layouts: &paint.layouts,
            layout: app.look.layout,
            draft: app.look.draft,
        };
        (drawn, pictures) = phone(&p, phone_area, buf);
        if mode == Mode::Text
            && let Some(position) = drawn.cursor
        {
            frame.set_cursor_position(position);
        }
    }
    let buf = frame.buffer_mut();
    if let Some(r) = panel_area {
        panel(app, t, &view, r, buf);
    }
    if let Overlay::Help { scroll } = &app.overlay {
        drawn.overlay_max = help(t, &app.keymap, *scroll, area, buf);
    }
    if let Overlay::Map { scroll } = &app.overlay {
        drawn.overlay_max = map::map(t, app.session(), *scroll, area, buf);
    }
    if let Overlay::Inspector { selected, scroll } = &app.overlay {
        drawn.overlay_max = inspector(
            app,
            t,
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
        step_box(t, stepping, area, frame);
    }
    // Real pictures last, over their half-blocks, unless something was drawn over them.
    if let Some(g) = &paint.graphics {
        g.draw(&pictures, frame.buffer_mut());
    }
    drawn
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

/// Renders one screen of a session as `flowsim render` does: the phone of `look`, or `width`
/// cells wide when given, `height` rows tall, or as tall as the whole scrollable screen when
/// `height` is `None`.
pub fn render_screen(
    session: &Session,
    theme: &Theme,
    look: &crate::app::device::Look,
    width: Option<u16>,
    height: Option<u16>,
    plain: bool,
) -> Buffer {
    let view = session.view();
    let overlay = Overlay::None;
    let carousel = BTreeMap::new();
    let layouts = body::Layouts::default();
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
        layouts: &layouts,
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
            item_image_kb: spec::item_image_limit_kb(session.flow.version),
        };
        let rows = match &session.phase {
            Phase::Completed(c) => {
                serde_json::to_string_pretty(&Value::Object(c.response.clone()))
                    .map_or(0, |s| s.lines().count())
                    + 8
            }
            _ => body::body(&view, &ctx, &layouts).height(),
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
