//! Key bindings as data: each binding has its keys, the action, the modes it applies in and
//! a description. The same table dispatches keys, draws the hint bar and fills the `?` help,
//! so they cannot drift apart.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave flowsim.
    Quit,
    /// Close the flow: back to the sample list when it came from there, else leave.
    Close,
    Help,
    NextFocus,
    PrevFocus,
    Activate,
    Toggle,
    Back,
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    TogglePanel,
    Restart,
    /// Move a cursor (list, calendar) or change the carousel image.
    Left,
    Right,
    Up,
    Down,
    PrevMonth,
    NextMonth,
    /// Text editing.
    Backspace,
    Delete,
    Home,
    End,
    Newline,
    /// Remove the last file of a picker.
    RemoveFile,
    /// Show or hide the endpoint inspector.
    Inspector,
    /// Turn step mode on or off.
    StepMode,
    /// Step mode: edit the request's payload.
    Edit,
    /// Step mode: answer the request by hand.
    AnswerByHand,
    /// Editor: use the text.
    Apply,
}

/// Where the user is: decides which bindings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Moving around the screen.
    Body,
    /// Typing in a text field.
    Text,
    /// A list picker (Dropdown) is open.
    List,
    /// A date picker or calendar is open.
    Calendar,
    /// Typing a file path for a photo or document picker.
    Path,
    /// The help overlay.
    Help,
    /// The flow completed or was closed.
    Done,
    /// The endpoint inspector.
    Inspector,
    /// Step mode holds a request or an answer.
    Step,
    /// Editing a payload or an answer as JSON.
    Editor,
}

/// A key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub modes: &'static [Mode],
    /// For the help overlay.
    pub desc: &'static str,
    /// For the hint bar (empty: not shown there).
    pub hint: &'static str,
}

use Action as A;
use KeyCode as K;
use Mode as M;

const ALL: &[Mode] = &[
    M::Body,
    M::Text,
    M::List,
    M::Calendar,
    M::Path,
    M::Help,
    M::Done,
    M::Inspector,
    M::Step,
    M::Editor,
];
const MOVING: &[Mode] = &[M::Body, M::Text];

/// Every binding, in the order the help shows them.
pub static BINDINGS: &[Binding] = &[
    Binding {
        keys: &[ctrl('c')],
        action: A::Quit,
        modes: ALL,
        desc: "Quit flowsim",
        hint: "",
    },
    Binding {
        keys: &[ch('q')],
        action: A::Close,
        modes: &[M::Body, M::Done, M::Help],
        desc: "Close the flow (back to the sample list, or quit)",
        hint: "quit",
    },
    Binding {
        keys: &[ch('?'), key(K::F(1))],
        action: A::Help,
        modes: &[M::Body, M::Done, M::Help],
        desc: "Show or hide this help",
        hint: "help",
    },
    Binding {
        keys: &[key(K::F(1))],
        action: A::Help,
        modes: &[M::Text, M::List, M::Calendar, M::Path],
        desc: "Show help while typing",
        hint: "",
    },
    Binding {
        keys: &[key(K::Tab), key(K::Down)],
        action: A::NextFocus,
        modes: MOVING,
        desc: "Focus the next field, option or button",
        hint: "next",
    },
    Binding {
        keys: &[key(K::BackTab), key(K::Up)],
        action: A::PrevFocus,
        modes: MOVING,
        desc: "Focus the previous one",
        hint: "",
    },
    Binding {
        keys: &[key(K::Enter)],
        action: A::Activate,
        modes: &[M::Body],
        desc: "Press the focused button or link, open a picker, pick an option",
        hint: "activate",
    },
    Binding {
        keys: &[ch(' ')],
        action: A::Toggle,
        modes: &[M::Body],
        desc: "Toggle the focused option or check box",
        hint: "toggle",
    },
    Binding {
        keys: &[key(K::Enter)],
        action: A::NextFocus,
        modes: &[M::Text],
        desc: "Done typing: go to the next field (TextArea: new line)",
        hint: "next",
    },
    Binding {
        keys: &[key(K::Esc)],
        action: A::Back,
        modes: &[M::Body, M::Text],
        desc: "Go back, as the phone's back button",
        hint: "back",
    },
    Binding {
        keys: &[key(K::Esc)],
        action: A::Back,
        modes: &[M::List, M::Calendar, M::Path, M::Help],
        desc: "Close the picker or help",
        hint: "close",
    },
    Binding {
        keys: &[key(K::Backspace)],
        action: A::Back,
        modes: &[M::Body],
        desc: "Go back",
        hint: "",
    },
    Binding {
        keys: &[key(K::Delete), ch('x')],
        action: A::RemoveFile,
        modes: &[M::Body],
        desc: "Remove the last file of the focused picker",
        hint: "",
    },
    Binding {
        keys: &[key(K::PageUp)],
        action: A::PageUp,
        modes: &[M::Body, M::Text, M::Help],
        desc: "Scroll up a page",
        hint: "",
    },
    Binding {
        keys: &[key(K::PageDown)],
        action: A::PageDown,
        modes: &[M::Body, M::Text, M::Help],
        desc: "Scroll down a page",
        hint: "",
    },
    Binding {
        keys: &[ctrl('p'), key(K::F(2))],
        action: A::TogglePanel,
        modes: ALL,
        desc: "Show or hide the side panel (data, form, stack, findings, payload)",
        hint: "panel",
    },
    Binding {
        keys: &[ch('p')],
        action: A::TogglePanel,
        modes: &[M::Body, M::Done],
        desc: "Show or hide the side panel",
        hint: "",
    },
    Binding {
        keys: &[ctrl('r')],
        action: A::Restart,
        modes: ALL,
        desc: "Restart the flow",
        hint: "",
    },
    Binding {
        keys: &[ch('r')],
        action: A::Restart,
        modes: &[M::Body, M::Done],
        desc: "Restart the flow (outside a text field)",
        hint: "restart",
    },
    Binding {
        keys: &[ch('i'), key(K::F(3))],
        action: A::Inspector,
        modes: &[M::Body, M::Done, M::Inspector],
        desc: "Show or hide the endpoint inspector (every request and answer)",
        hint: "inspector",
    },
    Binding {
        keys: &[key(K::F(3))],
        action: A::Inspector,
        modes: &[M::Text],
        desc: "Show the endpoint inspector while typing",
        hint: "",
    },
    Binding {
        keys: &[ch('s'), key(K::F(4))],
        action: A::StepMode,
        modes: &[M::Body, M::Done],
        desc: "Step mode on/off: hold each request and answer for review",
        hint: "step",
    },
    Binding {
        keys: &[key(K::F(4))],
        action: A::StepMode,
        modes: &[M::Text, M::Step],
        desc: "Step mode on/off while typing or stepping",
        hint: "",
    },
    Binding {
        keys: &[key(K::Enter)],
        action: A::Activate,
        modes: &[M::Step],
        desc: "Step mode: send the request / apply the answer",
        hint: "send/apply",
    },
    Binding {
        keys: &[ch('e')],
        action: A::Edit,
        modes: &[M::Step],
        desc: "Step mode: edit the request's payload",
        hint: "edit",
    },
    Binding {
        keys: &[ch('a')],
        action: A::AnswerByHand,
        modes: &[M::Step],
        desc: "Step mode: answer the request by hand, as the endpoint would",
        hint: "answer",
    },
    Binding {
        keys: &[key(K::Esc)],
        action: A::Back,
        modes: &[M::Step],
        desc: "Step mode: cancel the request",
        hint: "cancel",
    },
    Binding {
        keys: &[ctrl('s')],
        action: A::Apply,
        modes: &[M::Editor],
        desc: "Editor: use this JSON",
        hint: "use",
    },
    Binding {
        keys: &[key(K::Esc)],
        action: A::Back,
        modes: &[M::Editor, M::Inspector],
        desc: "Close the editor or the inspector",
        hint: "close",
    },
    Binding {
        keys: &[key(K::Up)],
        action: A::Up,
        modes: &[M::Inspector],
        desc: "Inspector: previous exchange",
        hint: "",
    },
    Binding {
        keys: &[key(K::Down)],
        action: A::Down,
        modes: &[M::Inspector],
        desc: "Inspector: next exchange",
        hint: "select",
    },
    Binding {
        keys: &[key(K::PageUp)],
        action: A::PageUp,
        modes: &[M::Inspector],
        desc: "Inspector: scroll the details up",
        hint: "",
    },
    Binding {
        keys: &[key(K::PageDown)],
        action: A::PageDown,
        modes: &[M::Inspector],
        desc: "Inspector: scroll the details down",
        hint: "scroll",
    },
    Binding {
        keys: &[key(K::Left)],
        action: A::Left,
        modes: &[M::Body, M::Text, M::Calendar, M::Path],
        desc: "Previous image / move the cursor or day",
        hint: "",
    },
    Binding {
        keys: &[key(K::Right)],
        action: A::Right,
        modes: &[M::Body, M::Text, M::Calendar, M::Path],
        desc: "Next image / move the cursor or day",
        hint: "",
    },
    Binding {
        keys: &[key(K::Up)],
        action: A::Up,
        modes: &[M::List, M::Calendar, M::Help],
        desc: "Previous option / week",
        hint: "",
    },
    Binding {
        keys: &[key(K::Down)],
        action: A::Down,
        modes: &[M::List, M::Calendar, M::Help],
        desc: "Next option / week",
        hint: "move",
    },
    Binding {
        keys: &[key(K::PageUp)],
        action: A::PrevMonth,
        modes: &[M::Calendar],
        desc: "Previous month",
        hint: "",
    },
    Binding {
        keys: &[key(K::PageDown)],
        action: A::NextMonth,
        modes: &[M::Calendar],
        desc: "Next month",
        hint: "month",
    },
    Binding {
        keys: &[key(K::Enter)],
        action: A::Activate,
        modes: &[M::List, M::Calendar, M::Path],
        desc: "Choose / add the file",
        hint: "choose",
    },
    Binding {
        keys: &[key(K::Backspace)],
        action: A::Backspace,
        modes: &[M::Text, M::Path],
        desc: "Delete the character before the cursor",
        hint: "",
    },
    Binding {
        keys: &[key(K::Delete)],
        action: A::Delete,
        modes: &[M::Text, M::Path],
        desc: "Delete the character under the cursor",
        hint: "",
    },
    Binding {
        keys: &[key(K::Home)],
        action: A::Home,
        modes: &[M::Text, M::Path],
        desc: "Cursor to the start",
        hint: "",
    },
    Binding {
        keys: &[key(K::End)],
        action: A::End,
        modes: &[M::Text, M::Path],
        desc: "Cursor to the end",
        hint: "",
    },
    Binding {
        keys: &[key(K::Up)],
        action: A::ScrollUp,
        modes: &[M::Done],
        desc: "Scroll up",
        hint: "",
    },
    Binding {
        keys: &[key(K::Down)],
        action: A::ScrollDown,
        modes: &[M::Done],
        desc: "Scroll down",
        hint: "",
    },
];

/// The action bound to a key in a mode. Unbound printable keys in `Text`/`Path` mode are
/// typed (the caller handles them).
pub fn lookup(event: &KeyEvent, mode: Mode) -> Option<Action> {
    let mods = event.modifiers - KeyModifiers::SHIFT;
    BINDINGS
        .iter()
        .filter(|b| b.modes.contains(&mode))
        .find(|b| {
            b.keys.iter().any(|k| {
                k.code == event.code
                    && (k.mods == mods
                        || (k.code == KeyCode::BackTab && k.mods == KeyModifiers::NONE))
            })
        })
        .map(|b| b.action)
}

/// `(keys, hint)` pairs for the hint bar in a mode.
pub fn hints(mode: Mode) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = BINDINGS
        .iter()
        .filter(|b| b.modes.contains(&mode) && !b.hint.is_empty())
        .map(|b| (label(b.keys[0]), b.hint))
        .collect();
    if matches!(mode, Mode::Text | Mode::Path) {
        out.insert(0, ("type".into(), "edit"));
    }
    out
}

/// A key as the help and hint bar show it: `Ctrl-C`, `Shift-Tab`, `Enter`, `?`.
pub fn label(k: Key) -> String {
    let base = match k.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if k.mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{}", base.to_uppercase())
    } else {
        base
    }
}

/// Help sections: a title and its `(keys, description)` rows. A binding that applies in
/// most modes is listed under "Everywhere", any other under the first mode it applies in.
pub fn help() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    let titles = [
        "Everywhere",
        "On the screen",
        "In a text field",
        "In a list or calendar",
        "Choosing a file",
        "Endpoint: inspector and step mode",
        "When the flow has ended",
    ];
    let mut sections: Vec<(&'static str, Vec<(String, &'static str)>)> =
        titles.iter().map(|t| (*t, Vec::new())).collect();
    for b in BINDINGS {
        let section = if b.modes.len() >= 5 {
            0
        } else {
            match b.modes[0] {
                M::Done => 6,
                M::Body | M::Help => 1,
                M::Text => 2,
                M::List | M::Calendar => 3,
                M::Path => 4,
                M::Inspector | M::Step | M::Editor => 5,
            }
        };
        let keys = b
            .keys
            .iter()
            .map(|k| label(*k))
            .collect::<Vec<_>>()
            .join(" / ");
        sections[section].1.push((keys, b.desc));
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn keys_depend_on_the_mode() {
        assert_eq!(
            lookup(&ev(KeyCode::Char('q'), KeyModifiers::NONE), Mode::Body),
            Some(Action::Close)
        );
        assert_eq!(
            lookup(&ev(KeyCode::Char('q'), KeyModifiers::NONE), Mode::Text),
            None,
            "q is typed"
        );
        assert_eq!(
            lookup(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL), Mode::Text),
            Some(Action::Quit)
        );
        assert_eq!(
            lookup(&ev(KeyCode::BackTab, KeyModifiers::SHIFT), Mode::Body),
            Some(Action::PrevFocus)
        );
        assert_eq!(
            lookup(&ev(KeyCode::Esc, KeyModifiers::NONE), Mode::List),
            Some(Action::Back)
        );
    }

    #[test]
    fn help_lists_every_binding_once() {
        let rows: usize = help().iter().map(|(_, r)| r.len()).sum();
        assert_eq!(rows, BINDINGS.len());
        assert!(
            hints(Mode::Body)
                .iter()
                .any(|(k, h)| k == "?" && *h == "help")
        );
    }
}
