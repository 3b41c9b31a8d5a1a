//! Arbitrary bytes → if they load as a flow, a session on its first screen (and a few more),
//! drawn as `flowsim render` draws it, at a couple of widths, plain and coloured.
//!
//! Besides "no panic", the output is checked for what must never reach a terminal: escape
//! sequences other than the SGR colour codes flowsim writes itself, C0/C1 control characters
//! other than the line feed, and bidi overrides.

#![no_main]

use std::sync::Arc;

use flowsim_core::flow::source::Source;
use flowsim_core::sim::{Input, Session, Start, Tap};
use flowsim::ui::{self, theme::Theme};
use flowsim_core::validate::check;
use libfuzzer_sys::fuzz_target;

/// The first character that must not be printed, if any.
fn unsafe_char(out: &str) -> Option<(usize, char)> {
    let mut chars = out.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\u{1b}' {
            // Only `ESC [ digits/semicolons m` is allowed.
            if chars.next_if(|&(_, c)| c == '[').is_none() {
                return Some((i, c));
            }
            while chars
                .next_if(|&(_, c)| c.is_ascii_digit() || c == ';')
                .is_some()
            {}
            if chars.next_if(|&(_, c)| c == 'm').is_none() {
                return Some((i, c));
            }
            continue;
        }
        if c != '\n' && flowsim_core::text::is_unsafe_char(c) {
            return Some((i, c));
        }
    }
    None
}

fn draw(session: &Session) {
    for (width, plain, theme) in [
        (30, true, Theme::DARK),
        (44, false, Theme::LIGHT),
        (61, false, Theme::DARK),
    ] {
        let buf = ui::render_screen(session, &theme, &Default::default(), Some(width), None, plain);
        let out = if plain {
            ui::to_text(&buf)
        } else {
            ui::to_ansi(&buf)
        };
        if let Some((at, c)) = unsafe_char(&out) {
            panic!(
                "unsafe character {c:?} at byte {at} of the output (width {width}, plain {plain}):\n{}",
                out.escape_debug()
            );
        }
    }
    // A fixed height (scrolled content cut off) takes another path.
    let _ = ui::render_screen(session, &Theme::DARK, &Default::default(), Some(44), Some(12), true);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let checked = check(&Source::new("fuzz.json", text));
    let Some(flow) = checked.flow else {
        return;
    };
    let flow = Arc::new(flow);
    let ids: Vec<Option<String>> = std::iter::once(None)
        .chain(flow.screens.iter().take(3).map(|s| Some(s.id.clone())))
        .collect();
    for (i, screen) in ids.into_iter().enumerate() {
        let mut session = Session::new(Arc::clone(&flow), "fuzz");
        session.update(Input::Start(Start::Navigate { screen, data: None }));
        draw(&session);
        if i == 0 && session.footer_enabled() {
            // Press the Footer (navigate, complete, or a request left pending) and draw
            // whatever comes next.
            session.update(Input::Tap(Tap::Footer));
            draw(&session);
        }
    }
});
