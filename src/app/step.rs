//! Step mode: requests and answers held for the user to send, edit or answer by hand, and the
//! JSON editor.

use super::*;

impl App {
    pub(super) fn step_action(&mut self, action: Action) -> Vec<Command> {
        let Some(stepping) = self.stepping.take() else {
            return Vec::new();
        };
        match (stepping, action) {
            (Stepping::Request(r), Action::Activate) => vec![Command::Request(r)],
            (Stepping::Request(r), Action::Edit) => {
                let text = serde_json::to_string_pretty(&Value::Object(r.data.clone()))
                    .unwrap_or_default();
                self.stepping = Some(Stepping::Edit {
                    request: r,
                    answer: false,
                    editor: Box::new(editor(&text)),
                    error: None,
                });
                Vec::new()
            }
            (Stepping::Request(r), Action::AnswerByHand) => {
                let screen = if r.screen.is_empty() {
                    "FIRST_SCREEN".to_string()
                } else {
                    r.screen.clone()
                };
                let template =
                    serde_json::to_string_pretty(&json!({ "screen": screen, "data": {} }))
                        .unwrap_or_default();
                self.stepping = Some(Stepping::Edit {
                    request: r,
                    answer: true,
                    editor: Box::new(editor(&template)),
                    error: None,
                });
                Vec::new()
            }
            (Stepping::Request(_), Action::Back) => {
                let effects = self.session_mut().update(Input::Answer(Err(
                    "The request was cancelled in step mode.".into(),
                )));
                self.effects(effects)
            }
            (Stepping::Answer { exchange, answer }, Action::Activate | Action::Back) => {
                self.receive(exchange, answer)
            }
            (other, _) => {
                self.stepping = Some(other);
                Vec::new()
            }
        }
    }

    pub(super) fn editor_action(&mut self, action: Action) -> Vec<Command> {
        let Some(Stepping::Edit {
            request,
            answer,
            editor,
            ..
        }) = self.stepping.take()
        else {
            return Vec::new();
        };
        if action == Action::Back {
            self.stepping = Some(Stepping::Request(request));
            return Vec::new();
        }
        let text = editor.lines().join("\n");
        let problem = match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) if !answer => {
                let mut request = request;
                request.data = map;
                self.notice = Some("payload edited".into());
                return vec![Command::Request(request)];
            }
            Ok(value) if answer => {
                let mut x = Exchange::new(&request.payload(), flowsim_endpoint::client::now());
                x.response = Some(value.clone());
                self.exchanges.push(x);
                return self.receive(self.exchanges.len() - 1, Ok(value));
            }
            Ok(_) => "the payload must be a JSON object".to_string(),
            Err(e) => format!("not JSON: {e}"),
        };
        self.stepping = Some(Stepping::Edit {
            request,
            answer,
            editor,
            error: Some(problem),
        });
        Vec::new()
    }
}

/// A JSON editor holding `text`.
fn editor(text: &str) -> ratatui_textarea::TextArea<'static> {
    ratatui_textarea::TextArea::new(text.lines().map(str::to_string).collect())
}

/// A key as the JSON editor takes it (Shift-Tab is Tab with Shift, as the editor expects).
pub(super) fn textarea_input(key: KeyEvent) -> ratatui_textarea::Input {
    use ratatui_textarea::Key;
    let m = key.modifiers;
    let k = match key.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::F(n) => Key::F(n),
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Enter => Key::Enter,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Tab | KeyCode::BackTab => Key::Tab,
        KeyCode::Delete => Key::Delete,
        KeyCode::Esc => Key::Esc,
        KeyCode::Other => Key::Null,
    };
    ratatui_textarea::Input {
        key: k,
        ctrl: m.contains(KeyModifiers::CONTROL),
        alt: m.contains(KeyModifiers::ALT),
        shift: key.code == KeyCode::BackTab || m.contains(KeyModifiers::SHIFT),
    }
}
