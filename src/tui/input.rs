//! The terminal's key and mouse events as the app's own ([`crate::app::input`]).

use crossterm::event::{
    KeyCode as TermKey, KeyEvent as TermKeyEvent, KeyModifiers as TermMods, MouseButton,
    MouseEvent as TermMouse, MouseEventKind,
};

use crate::app::input::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseKind};

/// A key press or repeat (the caller drops releases).
pub fn key(k: TermKeyEvent) -> KeyEvent {
    let code = match k.code {
        TermKey::Char(c) => KeyCode::Char(c),
        TermKey::F(n) => KeyCode::F(n),
        TermKey::Backspace => KeyCode::Backspace,
        TermKey::Enter => KeyCode::Enter,
        TermKey::Left => KeyCode::Left,
        TermKey::Right => KeyCode::Right,
        TermKey::Up => KeyCode::Up,
        TermKey::Down => KeyCode::Down,
        TermKey::Home => KeyCode::Home,
        TermKey::End => KeyCode::End,
        TermKey::PageUp => KeyCode::PageUp,
        TermKey::PageDown => KeyCode::PageDown,
        TermKey::Tab => KeyCode::Tab,
        TermKey::BackTab => KeyCode::BackTab,
        TermKey::Delete => KeyCode::Delete,
        TermKey::Esc => KeyCode::Esc,
        _ => KeyCode::Other,
    };
    let mut modifiers = KeyModifiers::NONE;
    for (term, app) in [
        (TermMods::SHIFT, KeyModifiers::SHIFT),
        (TermMods::CONTROL, KeyModifiers::CONTROL),
        (TermMods::ALT, KeyModifiers::ALT),
        (TermMods::SUPER, KeyModifiers::SUPER),
        (TermMods::HYPER, KeyModifiers::HYPER),
        (TermMods::META, KeyModifiers::META),
    ] {
        modifiers.set(app, k.modifiers.contains(term));
    }
    KeyEvent::new(code, modifiers)
}

/// The mouse actions the app uses: the wheel and a left click.
pub fn mouse(m: TermMouse) -> Option<MouseEvent> {
    let kind = match m.kind {
        MouseEventKind::ScrollUp => MouseKind::ScrollUp,
        MouseEventKind::ScrollDown => MouseKind::ScrollDown,
        MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
        _ => return None,
    };
    Some(MouseEvent {
        kind,
        column: m.column,
        row: m.row,
    })
}
