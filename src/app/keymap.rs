//! Key bindings as data: each binding has its keys, the action, the modes it applies in and
//! a description. The same table dispatches keys, draws the hint bar and fills the `?` help,
//! so they cannot drift apart. [`BINDINGS`] holds the defaults; a [`Keymap`] is that table with
//! the keys the user's config file rebinds (by the binding's `name`).

use super::input::{KeyCode, KeyEvent, KeyModifiers};

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
    /// Switch to the next phone size.
    Device,
    /// Large font on or off.
    LargeFont,
    /// Show or hide the map of the flow.
    Map,
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
    /// The map of the flow's screens and routes.
    Map,
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
    /// The name a config file rebinds it by (empty: not rebindable).
    pub name: &'static str,
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
    M::Map,
];
const MOVING: &[Mode] = &[M::Body, M::Text];

/// Every binding, in the order the help shows them.
pub static BINDINGS: &[Binding] = &[
    Binding {
        keys: &[ctrl('c')],
        action: A::Quit,
        modes: ALL,
        name: "quit",
        desc: "Quit flowsim",
        hint: "",
    },
    Binding {
        keys: &[ch('q')],
        action: A::Close,
        modes: &[M::Body, M::Done, M::Help],
        name: "close",
        desc: "Close the flow (back to the sample list, or quit)",
        hint: "quit",
    },
    Binding {
        keys: &[ch('?'), key(K::F(1))],
        action: A::Help,
        modes: &[M::Body, M::Done, M::Help],
        name: "help",
        desc: "Show or hide this help",
        hint: "help",
    },
    Binding {
        keys: &[key(K::F(1))],
        action: A::Help,
        modes: &[M::Text, M::List, M::Calendar, M::Path],
        name: "",
        desc: "Show help while typing",
        hint: "",
    },
    Binding {
        keys: &[key(K::Tab), key(K::Down)],
        action: A::NextFocus,
        modes: MOVING,
        name: "next",
        desc: "Focus the next field, option or button",
        hint: "next",
    },
    Binding {
        keys: &[key(K::BackTab), key(K::Up)],
        action: A::PrevFocus,
        modes: MOVING,
        name: "previous",
        desc: "Focus the previous one",
        hint: "",
    },
    Binding {
        keys: &[key(K::Enter)],
        action: A::Activate,
        modes: &[M::Body],
        name: "activate",
        desc: "Press the focused button or link, open a picker, pick an option",
        hint: "activate",
    },
    Binding {
        keys: &[ch(' ')],
        action: A::Toggle,
        modes: &[M::Body],
        name: "toggle",
        desc: "Toggle the focused option or check box",
        hint: "toggle",
    },
    Binding {
        keys: &[key(K::Enter)],
        action: A::NextFocus,
        modes: &[M::Text],
        name: "",
        desc: "Done typing: go to the next field (TextArea: new line)",
        hint: "next",
    },
    Binding {
        keys: &[key(K::Esc)],
        action: A::Back,
        modes: &[M::Body, M::Text],
        name: "back",
        desc: "Go back, as the phone's back button",
        hint: "back",
    },
    Binding {
        keys: &[key(K::Esc)],
        action: A::Back,
        modes: &[M::List, M::Calendar, M::Path, M::Help],
        name: "",
        desc: "Close the picker or help",
        hint: "close",
    },
    Binding {
        keys: &[key(K::Esc)],
        action: A::Back,
        modes: &[M::Map],
        name: "",
        desc: "Close the map",
        hint: "close",
    },
    Binding {
        keys: &[key(K::Backspace)],
        action: A::Back,
        modes: &[M::Body],
        name: "",
        desc: "Go back",
        hint: "",
    },
    Binding {
        keys: &[key(K::Delete), ch('x')],
        action: A::RemoveFile,
        modes: &[M::Body],
        name: "remove-file",
        desc: "Remove the last file of the focused picker",
        hint: "",
    },
    Binding {
        keys: &[key(K::PageUp)],
        action: A::PageUp,
        modes: &[M::Body, M::Text, M::Help, M::Map],
        name: "",
        desc: "Scroll up a page",
        hint: "",
    },
    Binding {
        keys: &[key(K::PageDown)],
        action: A::PageDown,
        modes: &[M::Body, M::Text, M::Help, M::Map],
        name: "",
        desc: "Scroll down a page",
        hint: "",
    },
    Binding {
        keys: &[ctrl('p'), key(K::F(2))],
        action: A::TogglePanel,
        modes: ALL,
        name: "panel",
        desc: "Show or hide the side panel (data, form, stack, findings, payload)",
        hint: "panel",
    },
    Binding {
        keys: &[ch('p')],
        action: A::TogglePanel,
        modes: &[M::Body, M::Done],
        name: "",
        desc: "Show or hide the side panel",
        hint: "",
    },
    Binding {
        keys: &[ctrl('r')],
        action: A::Restart,
        modes: ALL,
        name: "",
        desc: "Restart the flow",
        hint: "",
    },
    Binding {
        keys: &[ch('r')],
        action: A::Restart,
        modes: &[M::Body, M::Done],
        name: "restart",
        desc: "Restart the flow (outside a text field)",
        hint: "restart",
    },
    Binding {
        keys: &[ch('i'), key(K::F(3))],
        action: A::Inspector,
        modes: &[M::Body, M::Done, M::Inspector],
        name: "inspector",
        desc: "Show or hide the endpoint inspector (every request and answer)",
        hint: "inspector",
    },
    Binding {
        keys: &[key(K::F(3))],
        action: A::Inspector,
        modes: &[M::Text],
        name: "",
        desc: "Show the endpoint inspector while typing",
        hint: "",
    },
    Binding {
        keys: &[ch('m'), key(K::F(5))],
        action: A::Map,
        modes: &[M::Body, M::Done, M::Map],
        name: "map",
        desc: "Show or hide the map of the flow: every screen and route, with this screen and the path walked so far highlighted",
        hint: "map",
    },
    Binding {
        keys: &[key(K::F(5))],
        action: A::Map,
        modes: &[M::Text],
        name: "",
        desc: "Show the map of the flow while typing",
        hint: "",
    },
    Binding {
        keys: &[ch('d')],
        action: A::Device,
        modes: &[M::Body, M::Done],
        name: "device",
        desc: "Switch the phone size (small phone, Android, iPhone, Meta's preview)",
        hint: "size",
    },
    Binding {
        keys: &[ch('f')],
        action: A::LargeFont,
        modes: &[M::Body, M::Done],
        name: "large-font",
        desc: "Large font on/off (text wraps as at 1.3× font scale)",
        hint: "",
    },
    Binding {
        keys: &[ch('s'), key(K::F(4))],
        action: A::StepMode,
        modes: &[M::Body, M::Done],
        name: "step-mode",
        desc: "Step mode on/off: hold each request and answer for review",
        hint: "step",
    },
    Binding {
        keys: &[key(K::F(4))],
        action: A::StepMode,
        modes: &[M::Text, M::Step],
        name: "",
        desc: "Step mode on/off while typing or stepping",
        hint: "",
    },
    Binding {
        keys: &[key(K::Enter)],
        action: A::Activate,
        modes: &[M::Step],
        name: "",
        desc: "Step mode: send the request / apply the answer",
        hint: "send/apply",
    },
    Binding {
        keys: &[ch('e')],
        action: A::Edit,
        modes: &[M::Step],
        name: "",
        desc: "Step mode: edit the request's payload",
        hint: "edit",
    },
    Binding {
        keys: &[ch('a')],
        action: A::AnswerByHand,
        modes: &[M::Step],
        name: "",
        desc: "Step mode: answer the request by hand, as the endpoint would",
        hint: "answer",
    },
    Binding {
        keys: &[key(K::Esc)],
        action: A::Back,
        modes: &[M::Step],
        name: "",
        desc: "Step mode: cancel the request",
        hint: "cancel",
    },
    Binding {
        keys: &[ctrl('s')],
        action: A::Apply,
        modes: &[M::Editor],
        name: "",
        desc: "Editor: use this JSON",
        hint: "use",
    },
    Binding {
        keys: &[key(K::Esc)],
        action: A::Back,
        modes: &[M::Editor, M::Inspector],
        name: "",
        desc: "Close the editor or the inspector",
        hint: "close",
    },
    Binding {
        keys: &[key(K::Up)],
        action: A::Up,
        modes: &[M::Inspector],
        name: "",
        desc: "Inspector: previous exchange",
        hint: "",
    },
    Binding {
        keys: &[key(K::Down)],
        action: A::Down,
        modes: &[M::Inspector],
        name: "",
        desc: "Inspector: next exchange",
        hint: "select",
    },
    Binding {
        keys: &[key(K::PageUp)],
        action: A::PageUp,
        modes: &[M::Inspector],
        name: "",
        desc: "Inspector: scroll the details up",
        hint: "",
    },
    Binding {
        keys: &[key(K::PageDown)],
        action: A::PageDown,
        modes: &[M::Inspector],
        name: "",
        desc: "Inspector: scroll the details down",
        hint: "scroll",
    },
    Binding {
        keys: &[key(K::Left)],
        action: A::Left,
        modes: &[M::Body, M::Text, M::Calendar, M::Path],
        name: "",
        desc: "Previous image / move the cursor or day",
        hint: "",
    },
    Binding {
        keys: &[key(K::Right)],
        action: A::Right,
        modes: &[M::Body, M::Text, M::Calendar, M::Path],
        name: "",
        desc: "Next image / move the cursor or day",
        hint: "",
    },
    Binding {
        keys: &[key(K::Up)],
        action: A::Up,
        modes: &[M::List, M::Calendar, M::Help, M::Map],
        name: "",
        desc: "Previous option / week",
        hint: "",
    },
    Binding {
        keys: &[key(K::Down)],
        action: A::Down,
        modes: &[M::List, M::Calendar, M::Help, M::Map],
        name: "",
        desc: "Next option / week",
        hint: "move",
    },
    Binding {
        keys: &[key(K::PageUp)],
        action: A::PrevMonth,
        modes: &[M::Calendar],
        name: "",
        desc: "Previous month",
        hint: "",
    },
    Binding {
        keys: &[key(K::PageDown)],
        action: A::NextMonth,
        modes: &[M::Calendar],
        name: "",
        desc: "Next month",
        hint: "month",
    },
    Binding {
        keys: &[key(K::Enter)],
        action: A::Activate,
        modes: &[M::List, M::Calendar, M::Path],
        name: "",
        desc: "Choose / add the file",
        hint: "choose",
    },
    Binding {
        keys: &[key(K::Backspace)],
        action: A::Backspace,
        modes: &[M::Text, M::Path],
        name: "",
        desc: "Delete the character before the cursor",
        hint: "",
    },
    Binding {
        keys: &[key(K::Delete)],
        action: A::Delete,
        modes: &[M::Text, M::Path],
        name: "",
        desc: "Delete the character under the cursor",
        hint: "",
    },
    Binding {
        keys: &[key(K::Home)],
        action: A::Home,
        modes: &[M::Text, M::Path],
        name: "",
        desc: "Cursor to the start",
        hint: "",
    },
    Binding {
        keys: &[key(K::End)],
        action: A::End,
        modes: &[M::Text, M::Path],
        name: "",
        desc: "Cursor to the end",
        hint: "",
    },
    Binding {
        keys: &[key(K::Up)],
        action: A::ScrollUp,
        modes: &[M::Done],
        name: "",
        desc: "Scroll up",
        hint: "",
    },
    Binding {
        keys: &[key(K::Down)],
        action: A::ScrollDown,
        modes: &[M::Done],
        name: "",
        desc: "Scroll down",
        hint: "",
    },
];

/// The key table in effect: [`BINDINGS`] with the keys a config file rebinds.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    /// The keys of each binding of [`BINDINGS`], by index.
    keys: Vec<Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            keys: BINDINGS.iter().map(|b| b.keys.to_vec()).collect(),
        }
    }
}

impl Keymap {
    /// The defaults with each `(name, keys)` rebound. Refuses an unknown name, a printable key
    /// for a binding that also applies while typing (it would never be typed), and a key that
    /// two bindings of one mode would share.
    pub fn with(overrides: &[(String, Vec<Key>)]) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (name, keys) in overrides {
            let Some(i) = BINDINGS
                .iter()
                .position(|b| !b.name.is_empty() && b.name == name)
            else {
                return Err(format!(
                    "unknown key binding `{name}` (known: {})",
                    names().join(", ")
                ));
            };
            if keys.is_empty() {
                return Err(format!("`{name}` needs at least one key"));
            }
            let typed = keys
                .iter()
                .find(|k| matches!(k.code, KeyCode::Char(_)) && k.mods == KeyModifiers::NONE);
            if BINDINGS[i].modes.contains(&Mode::Text)
                && let Some(k) = typed
            {
                return Err(format!(
                    "`{name}` also works while typing in a text field, where `{}` is typed: use a Ctrl or F key",
                    label(*k)
                ));
            }
            map.keys[i] = keys.clone();
        }
        for (i, a) in BINDINGS.iter().enumerate() {
            for (j, b) in BINDINGS.iter().enumerate().skip(i + 1) {
                let shared_mode = a.modes.iter().any(|m| b.modes.contains(m));
                if !shared_mode || a.action == b.action {
                    continue;
                }
                if let Some(k) = map.keys[i].iter().find(|k| map.keys[j].contains(k)) {
                    return Err(format!(
                        "`{}` is bound to both \"{}\" and \"{}\"",
                        label(*k),
                        a.desc,
                        b.desc
                    ));
                }
            }
        }
        Ok(map)
    }

    /// The keys of binding `i` of [`BINDINGS`].
    fn keys(&self, i: usize) -> &[Key] {
        &self.keys[i]
    }

    /// The action bound to a key in a mode. Unbound printable keys in `Text`/`Path` mode are
    /// typed (the caller handles them).
    pub fn lookup(&self, event: &KeyEvent, mode: Mode) -> Option<Action> {
        let mods = event.modifiers - KeyModifiers::SHIFT;
        BINDINGS
            .iter()
            .enumerate()
            .filter(|(_, b)| b.modes.contains(&mode))
            .find(|(i, _)| {
                self.keys(*i).iter().any(|k| {
                    k.code == event.code
                        && (k.mods == mods
                            || (k.code == KeyCode::BackTab && k.mods == KeyModifiers::NONE))
                })
            })
            .map(|(_, b)| b.action)
    }

    /// `(keys, hint)` pairs for the hint bar in a mode.
    pub fn hints(&self, mode: Mode) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = BINDINGS
            .iter()
            .enumerate()
            .filter(|(_, b)| b.modes.contains(&mode) && !b.hint.is_empty())
            .map(|(i, b)| (label(self.keys(i)[0]), b.hint))
            .collect();
        if matches!(mode, Mode::Text | Mode::Path) {
            out.insert(0, ("type".into(), "edit"));
        }
        out
    }

    /// Help sections: a title and its `(keys, description)` rows. A binding that applies in
    /// most modes is listed under "Everywhere", any other under the first mode it applies in.
    pub fn help(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
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
        for (i, b) in BINDINGS.iter().enumerate() {
            let section = if b.modes.len() >= 5 {
                0
            } else {
                match b.modes[0] {
                    M::Done => 6,
                    M::Body | M::Help | M::Map => 1,
                    M::Text => 2,
                    M::List | M::Calendar => 3,
                    M::Path => 4,
                    M::Inspector | M::Step | M::Editor => 5,
                }
            };
            let keys = self
                .keys(i)
                .iter()
                .map(|k| label(*k))
                .collect::<Vec<_>>()
                .join(" / ");
            sections[section].1.push((keys, b.desc));
        }
        sections
    }
}

/// The names a config file can rebind.
pub fn names() -> Vec<&'static str> {
    BINDINGS
        .iter()
        .map(|b| b.name)
        .filter(|n| !n.is_empty())
        .collect()
}

/// A key as written in a config file, the way the help shows it: `q`, `Ctrl-R`, `F5`, `Enter`,
/// `Esc`, `Tab`, `Shift-Tab`, `Space`, `Backspace`, `Del`, `Home`, `End`, `PgUp`, `PgDn`, and
/// the arrows as `Up`/`↑`, `Down`/`↓`, `Left`/`←`, `Right`/`→`.
pub fn parse_key(s: &str) -> Result<Key, String> {
    let bad = || {
        format!("`{s}` is not a key (examples: q, Ctrl-R, F5, Enter, Esc, Tab, Space, PgDn, Up)")
    };
    let (mods, rest) = match s.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("ctrl-") && s.len() > 5 => {
            (KeyModifiers::CONTROL, &s[5..])
        }
        _ => (KeyModifiers::NONE, s),
    };
    let named = [
        ("enter", KeyCode::Enter),
        ("esc", KeyCode::Esc),
        ("tab", KeyCode::Tab),
        ("shift-tab", KeyCode::BackTab),
        ("backspace", KeyCode::Backspace),
        ("del", KeyCode::Delete),
        ("home", KeyCode::Home),
        ("end", KeyCode::End),
        ("pgup", KeyCode::PageUp),
        ("pgdn", KeyCode::PageDown),
        ("space", KeyCode::Char(' ')),
        ("up", KeyCode::Up),
        ("↑", KeyCode::Up),
        ("down", KeyCode::Down),
        ("↓", KeyCode::Down),
        ("left", KeyCode::Left),
        ("←", KeyCode::Left),
        ("right", KeyCode::Right),
        ("→", KeyCode::Right),
    ];
    let lower = rest.to_lowercase();
    let code = if let Some((_, code)) = named.iter().find(|(n, _)| *n == lower) {
        *code
    } else if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        if !(1..=12).contains(&n) {
            return Err(bad());
        }
        KeyCode::F(n)
    } else {
        let mut chars = rest.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() && c != ' ' => KeyCode::Char(if mods.is_empty() {
                c
            } else {
                c.to_ascii_lowercase()
            }),
            _ => return Err(bad()),
        }
    };
    Ok(Key { code, mods })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn keys_depend_on_the_mode() {
        let map = Keymap::default();
        let lookup = |e: &KeyEvent, m: Mode| map.lookup(e, m);
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
        let map = Keymap::default();
        let rows: usize = map.help().iter().map(|(_, r)| r.len()).sum();
        assert_eq!(rows, BINDINGS.len());
        assert!(
            map.hints(Mode::Body)
                .iter()
                .any(|(k, h)| k == "?" && *h == "help")
        );
    }

    #[test]
    fn rebinding_changes_lookup_hints_and_help() {
        let map = Keymap::with(&[("close".into(), vec![parse_key("Q").unwrap()])]).unwrap();
        assert_eq!(
            map.lookup(&ev(KeyCode::Char('Q'), KeyModifiers::SHIFT), Mode::Body),
            Some(Action::Close)
        );
        assert_eq!(
            map.lookup(&ev(KeyCode::Char('q'), KeyModifiers::NONE), Mode::Body),
            None
        );
        assert!(
            map.hints(Mode::Body)
                .iter()
                .any(|(k, h)| k == "Q" && *h == "quit")
        );
        assert!(
            map.help()
                .iter()
                .flat_map(|(_, rows)| rows)
                .any(|(k, d)| k == "Q" && d.starts_with("Close the flow"))
        );
    }

    #[test]
    fn bad_rebindings_are_refused_with_a_reason() {
        let one =
            |name: &str, key: &str| Keymap::with(&[(name.into(), vec![parse_key(key).unwrap()])]);
        assert!(
            one("nope", "x")
                .unwrap_err()
                .contains("unknown key binding `nope`")
        );
        assert!(one("next", "n").unwrap_err().contains("while typing"));
        assert!(one("close", "r").unwrap_err().contains("bound to both"));
        assert!(parse_key("Ctrl-").is_err());
        assert!(parse_key("F13").is_err());
        assert!(parse_key("Hyper-X").is_err());
        assert_eq!(label(parse_key("ctrl-r").unwrap()), "Ctrl-R");
        for b in BINDINGS {
            for k in b.keys {
                assert_eq!(parse_key(&label(*k)).as_ref(), Ok(k), "{}", label(*k));
            }
        }
    }

    #[test]
    fn the_defaults_have_no_conflicts() {
        assert_eq!(Keymap::with(&[]), Ok(Keymap::default()));
    }
}
