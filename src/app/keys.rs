//! What a key or a mouse action does: the keymap's action in the current mode, typing,
//! and clicks and the wheel.

use super::step::textarea_input;
use super::*;

impl App {
    pub(super) fn key(&mut self, key: KeyEvent) -> Vec<Command> {
        let view = self.view();
        let mode = self.mode_in(&view);
        let newline = mode == Mode::Text
            && key.code == KeyCode::Enter
            && self
                .focused_in(&view)
                .is_some_and(|i| i.kind == Kind::TextArea);
        // Typing sets the field's text, which patches the view when nothing else holds it.
        drop(view);
        self.notice = None;
        if mode == Mode::Editor && self.keymap.lookup(&key, mode).is_none() {
            if let Some(Stepping::Edit { editor, .. }) = &mut self.stepping {
                editor.input(textarea_input(key));
            }
            return Vec::new();
        }
        if newline {
            self.type_char('\n');
            return self.commit_text();
        }
        match self.keymap.lookup(&key, mode) {
            Some(action) => self.action(action, mode),
            None => {
                let plain = !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                match key.code {
                    KeyCode::Char(c) if plain && mode == Mode::Text => {
                        self.type_char(c);
                        self.commit_text()
                    }
                    KeyCode::Char(c) if plain && mode == Mode::Path => {
                        if let Overlay::Path { input, .. } = &mut self.overlay {
                            input.handle(InputRequest::InsertChar(c));
                        }
                        Vec::new()
                    }
                    KeyCode::Char(c) if plain && mode == Mode::List => {
                        self.list_jump(c);
                        Vec::new()
                    }
                    _ => Vec::new(),
                }
            }
        }
    }

    fn action(&mut self, action: Action, mode: Mode) -> Vec<Command> {
        match (action, mode) {
            (Action::Quit, _) => {
                self.exit = true;
                self.quit = true;
                Vec::new()
            }
            (Action::Close, _) => {
                self.quit = true;
                Vec::new()
            }
            (Action::Help, Mode::Help) | (Action::Back, Mode::Help) => {
                self.overlay = Overlay::None;
                Vec::new()
            }
            (Action::Help, _) => {
                self.overlay = Overlay::Help { scroll: 0 };
                Vec::new()
            }
            (Action::Map, Mode::Map) | (Action::Back, Mode::Map) => {
                self.overlay = Overlay::None;
                Vec::new()
            }
            (Action::Map, _) => {
                self.overlay = Overlay::Map { scroll: 0 };
                Vec::new()
            }
            (Action::TogglePanel, _) => {
                self.panel = !self.panel;
                Vec::new()
            }
            (Action::Inspector, Mode::Inspector) | (Action::Back, Mode::Inspector) => {
                self.overlay = Overlay::None;
                Vec::new()
            }
            (Action::Inspector, _) => {
                self.overlay = Overlay::Inspector {
                    selected: self.exchanges.len().saturating_sub(1),
                    scroll: 0,
                };
                Vec::new()
            }
            (Action::StepMode, _) => {
                self.step = !self.step;
                self.notice = Some(if self.step {
                    "step mode on: each request and answer waits for you".into()
                } else {
                    "step mode off".into()
                });
                Vec::new()
            }
            (_, Mode::Step) => self.step_action(action),
            (Action::Apply | Action::Back, Mode::Editor) => self.editor_action(action),
            (Action::Up | Action::Down | Action::PageUp | Action::PageDown, Mode::Inspector) => {
                if let Overlay::Inspector { selected, scroll } = &mut self.overlay {
                    match action {
                        Action::Up => {
                            *selected = selected.saturating_sub(1);
                            *scroll = 0;
                        }
                        Action::Down => {
                            *selected = (*selected + 1).min(self.exchanges.len().saturating_sub(1));
                            *scroll = 0;
                        }
                        Action::PageUp => *scroll = scroll.saturating_sub(10),
                        // It stops at the last page the last frame showed.
                        _ => *scroll = scroll.saturating_add(10).min(self.drawn.overlay_max),
                    }
                }
                Vec::new()
            }
            (Action::Device, _) => {
                self.look.device = self.look.device.next();
                self.notice = Some(format!("phone: {}", self.look.describe()));
                Vec::new()
            }
            (Action::LargeFont, _) => {
                self.look.large_font = !self.look.large_font;
                self.notice = Some(format!("phone: {}", self.look.describe()));
                Vec::new()
            }
            (Action::Restart, _) => {
                self.notice = Some("restarted".into());
                self.commands_from_start()
            }
            (Action::Back, Mode::List | Mode::Calendar | Mode::Path) => {
                self.overlay = Overlay::None;
                Vec::new()
            }
            (_, Mode::List) => self.list_action(action),
            (_, Mode::Calendar) => self.calendar_action(action),
            (_, Mode::Path) => self.path_action(action),
            (Action::Up | Action::PageUp, Mode::Help | Mode::Map) => {
                if let Overlay::Help { scroll } | Overlay::Map { scroll } = &mut self.overlay {
                    *scroll = scroll.saturating_sub(if action == Action::Up { 1 } else { 10 });
                }
                Vec::new()
            }
            (Action::Down | Action::PageDown, Mode::Help | Mode::Map) => {
                if let Overlay::Help { scroll } | Overlay::Map { scroll } = &mut self.overlay {
                    let step = if action == Action::Down { 1 } else { 10 };
                    *scroll = scroll.saturating_add(step).min(self.drawn.overlay_max);
                }
                Vec::new()
            }
            (Action::NextFocus, _) => {
                self.move_focus(1);
                Vec::new()
            }
            (Action::PrevFocus, _) => {
                self.move_focus(-1);
                Vec::new()
            }
            (Action::ScrollUp | Action::PageUp | Action::ScrollDown | Action::PageDown, _) => {
                let page = self.drawn.body_rows.max(2) - 1;
                let last = self.drawn.body_len.saturating_sub(self.drawn.body_rows);
                self.scroll = match action {
                    Action::ScrollUp => self.drawn.scroll.saturating_sub(1),
                    Action::PageUp => self.drawn.scroll.saturating_sub(page),
                    Action::ScrollDown => self.drawn.scroll.saturating_add(1),
                    _ => self.drawn.scroll.saturating_add(page),
                }
                .min(last);
                self.follow = false;
                Vec::new()
            }
            (Action::Back, _) => {
                self.editor = None;
                let effects = self.session_mut().update(Input::Back);
                self.scroll = 0;
                self.follow = true;
                self.effects(effects)
            }
            (Action::Activate, _) => self.activate(),
            (Action::Toggle, _) => self.toggle(),
            (Action::RemoveFile, _) => self.remove_file(),
            (Action::Left | Action::Right, Mode::Body) => {
                if let Some(item) = self
                    .focused_item()
                    .filter(|i| i.kind == Kind::ImageCarousel)
                {
                    let n = item.list("images").len().max(1);
                    let i = self.carousel.entry(item.key).or_insert(0);
                    *i = if action == Action::Right {
                        (*i + 1) % n
                    } else {
                        (*i + n - 1) % n
                    };
                }
                Vec::new()
            }
            (
                Action::Left
                | Action::Right
                | Action::Home
                | Action::End
                | Action::Backspace
                | Action::Delete,
                Mode::Text,
            ) => {
                self.edit(action);
                self.commit_text()
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn mouse(&mut self, m: MouseEvent) -> Vec<Command> {
        match m.kind {
            MouseKind::ScrollUp => {
                self.scroll = self.drawn.scroll.saturating_sub(3);
                self.follow = false;
                Vec::new()
            }
            MouseKind::ScrollDown => {
                let last = self.drawn.body_len.saturating_sub(self.drawn.body_rows);
                self.scroll = self.drawn.scroll.saturating_add(3).min(last);
                self.follow = false;
                Vec::new()
            }
            MouseKind::Click if matches!(self.overlay, Overlay::None) => {
                let hit = self.drawn.hits.iter().find(|((x, y, w, h), _)| {
                    m.column >= *x && m.column < x + w && m.row >= *y && m.row < y + h
                });
                let Some((_, target)) = hit.cloned() else {
                    return Vec::new();
                };
                self.focus = Some(target.clone());
                self.editor = None;
                match target {
                    Target::Field(ref key) if self.item(key).is_some_and(|i| is_text(&i)) => {
                        Vec::new()
                    }
                    _ => self.activate(),
                }
            }
            _ => Vec::new(),
        }
    }
}
