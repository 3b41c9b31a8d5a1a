//! The app's own keyboard and mouse input: a key with its modifiers, and the mouse actions the
//! previewer uses. No terminal library's types: the terminal runtime (`crate::tui`) translates
//! the terminal's events into these, and tests build them directly.

/// A key on the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    /// A character, as typed (shifted letters arrive upper-case).
    Char(char),
    /// F1 to F12 and beyond.
    F(u8),
    Backspace,
    Enter,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    Tab,
    /// Shift-Tab, as terminals report it.
    BackTab,
    Delete,
    Esc,
    /// A key the app has no use for (Insert, Caps Lock, media keys, …): it still ends a notice.
    Other,
}

bitflags::bitflags! {
    /// The modifier keys held with a key.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct KeyModifiers: u8 {
        const SHIFT = 1;
        const CONTROL = 1 << 1;
        const ALT = 1 << 2;
        const SUPER = 1 << 3;
        const HYPER = 1 << 4;
        const META = 1 << 5;
    }
}

impl KeyModifiers {
    pub const NONE: KeyModifiers = KeyModifiers::empty();
}

/// A key press (or repeat: releases never reach the app).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyEvent {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyEvent {
    pub const fn new(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent { code, modifiers }
    }
}

impl From<KeyCode> for KeyEvent {
    fn from(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }
}

/// What the mouse did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    ScrollUp,
    ScrollDown,
    /// The left button went down.
    Click,
}

/// A mouse action at a cell of the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MouseEvent {
    pub kind: MouseKind,
    pub column: u16,
    pub row: u16,
}
