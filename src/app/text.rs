//! Text fields: the line being edited, typing into it and handing the text to the engine.
//! Editing changes only the app's editor, so one view serves a whole keystroke or paste;
//! handing the text over patches that view (see `App::set`).

use super::*;

impl App {
    pub(super) fn editor(&mut self) -> Option<&mut LineInput> {
        let view = self.view();
        let item = self.focused_in(&view).filter(|i| is_text(i))?;
        let fresh = !matches!(&self.editor, Some((k, _)) if *k == item.key);
        if fresh {
            let text = item
                .value
                .as_ref()
                .map(flowsim_core::flow::expr::display)
                .unwrap_or_default();
            self.editor = Some((item.key.clone(), LineInput::new(text)));
        }
        self.editor.as_mut().map(|(_, input)| input)
    }

    pub(super) fn type_char(&mut self, c: char) {
        if let Some(input) = self.editor() {
            input.handle(InputRequest::InsertChar(c));
        }
    }

    pub(super) fn edit(&mut self, action: Action) {
        if let Some(request) = line_edit(action)
            && let Some(input) = self.editor()
        {
            input.handle(request);
        }
    }

    /// Hands the edited text to the engine.
    pub(super) fn commit_text(&mut self) -> Vec<Command> {
        let view = self.view();
        let Some(item) = self.focused_in(&view).filter(|i| is_text(i)) else {
            return Vec::new();
        };
        let Some((_, input)) = &self.editor else {
            return Vec::new();
        };
        let text = input.value().to_string();
        let current = item
            .value
            .as_ref()
            .map(flowsim_core::flow::expr::display)
            .unwrap_or_default();
        if text == current {
            return Vec::new();
        }
        let name = item.name.clone().unwrap_or_default();
        drop(view);
        self.set(&name, Value::String(text))
    }
}

/// Text fields take typing directly when focused.
pub fn is_text(item: &Item) -> bool {
    matches!(item.kind, Kind::TextInput | Kind::TextArea) && item.enabled
}

/// The editing an action does in a one-line text field (a text input, the file path box).
pub(super) fn line_edit(action: Action) -> Option<InputRequest> {
    Some(match action {
        Action::Left => InputRequest::GoToPrevChar,
        Action::Right => InputRequest::GoToNextChar,
        Action::Home => InputRequest::GoToStart,
        Action::End => InputRequest::GoToEnd,
        Action::Backspace => InputRequest::DeletePrevChar,
        Action::Delete => InputRequest::DeleteNextChar,
        _ => return None,
    })
}
