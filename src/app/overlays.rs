//! The overlays over the phone's body: a Dropdown's list, the date pickers' calendar and the
//! file path prompt of the photo and document pickers.

use super::*;

impl App {
    pub(super) fn list_action(&mut self, action: Action) -> Vec<Command> {
        let Overlay::List { key, cursor } = self.overlay.clone() else {
            return Vec::new();
        };
        let Some(item) = self.item(&key) else {
            self.overlay = Overlay::None;
            return Vec::new();
        };
        let options = item.list("data-source");
        match action {
            Action::Up => {
                self.overlay = Overlay::List {
                    key,
                    cursor: cursor.saturating_sub(1),
                }
            }
            Action::Down => {
                self.overlay = Overlay::List {
                    key,
                    cursor: (cursor + 1).min(options.len().saturating_sub(1)),
                }
            }
            Action::Activate => {
                let Some(option) = options.get(cursor) else {
                    return Vec::new();
                };
                if option.get("enabled") == Some(&Value::Bool(false)) {
                    self.notice = Some("this option is disabled".into());
                    return Vec::new();
                }
                let id = option
                    .get("id")
                    .map(flowsim_core::flow::expr::display)
                    .unwrap_or_default();
                self.overlay = Overlay::None;
                let name = item.name.clone().unwrap_or_default();
                return self.set(&name, json!(id));
            }
            _ => {}
        }
        Vec::new()
    }

    /// Jumps the list cursor to the next option starting with a letter.
    pub(super) fn list_jump(&mut self, c: char) {
        let Overlay::List { key, cursor } = self.overlay.clone() else {
            return;
        };
        let Some(item) = self.item(&key) else { return };
        let options = item.list("data-source");
        let lower = c.to_lowercase().next().unwrap_or(c);
        let n = options.len();
        if let Some(pos) = (1..=n).map(|d| (cursor + d) % n.max(1)).find(|&i| {
            options[i]
                .get("title")
                .map(flowsim_core::flow::expr::display)
                .and_then(|t| t.chars().next())
                .is_some_and(|f| f.to_lowercase().next() == Some(lower))
        }) {
            self.overlay = Overlay::List { key, cursor: pos };
        }
    }

    pub(super) fn calendar_action(&mut self, action: Action) -> Vec<Command> {
        let Overlay::Calendar { key, cursor, start } = self.overlay.clone() else {
            return Vec::new();
        };
        let Some(item) = self.item(&key) else {
            self.overlay = Overlay::None;
            return Vec::new();
        };
        let step = |days: i64| {
            cursor
                .checked_add(jiff::Span::new().days(days))
                .unwrap_or(cursor)
        };
        let months = |m: i64| {
            cursor
                .checked_add(jiff::Span::new().months(m))
                .unwrap_or(cursor)
        };
        let next = match action {
            Action::Left => step(-1),
            Action::Right => step(1),
            Action::Up => step(-7),
            Action::Down => step(7),
            Action::PrevMonth => months(-1),
            Action::NextMonth => months(1),
            Action::Activate => {
                if !date_allowed(&item, cursor) {
                    self.notice = Some(format!("{cursor} cannot be picked"));
                    return Vec::new();
                }
                let name = item.name.clone().unwrap_or_default();
                let range = item.kind == Kind::CalendarPicker
                    && item.text("mode").as_deref() == Some("range");
                if range {
                    match start {
                        None => {
                            self.overlay = Overlay::Calendar {
                                key,
                                cursor,
                                start: Some(cursor),
                            };
                            return Vec::new();
                        }
                        Some(s) => {
                            let (a, b) = if cursor < s { (cursor, s) } else { (s, cursor) };
                            self.overlay = Overlay::None;
                            return self.set(
                                &name,
                                json!({ "start-date": a.to_string(), "end-date": b.to_string() }),
                            );
                        }
                    }
                }
                self.overlay = Overlay::None;
                let value = if item.kind == Kind::DatePicker
                    && self.session.flow.version < flowsim_core::flow::version::v(5, 0)
                {
                    let ms = cursor
                        .to_zoned(jiff::tz::TimeZone::UTC)
                        .map(|z| z.timestamp().as_millisecond())
                        .unwrap_or_default();
                    json!(ms.to_string())
                } else {
                    json!(cursor.to_string())
                };
                return self.set(&name, value);
            }
            _ => cursor,
        };
        self.overlay = Overlay::Calendar {
            key,
            cursor: next,
            start,
        };
        Vec::new()
    }

    pub(super) fn path_action(&mut self, action: Action) -> Vec<Command> {
        let Overlay::Path { key, mut input } = self.overlay.clone() else {
            return Vec::new();
        };
        if action == Action::Activate {
            let path = input.value().trim().to_string();
            self.overlay = Overlay::None;
            if path.is_empty() {
                return Vec::new();
            }
            let Some(item) = self.item(&key) else {
                return Vec::new();
            };
            return vec![Command::PickFile {
                rules: FileRules::of(&item),
                name: item.name.unwrap_or_default(),
                path,
            }];
        }
        let Some(request) = super::text::line_edit(action) else {
            return Vec::new();
        };
        input.handle(request);
        self.overlay = Overlay::Path { key, input };
        Vec::new()
    }
}

/// Where a date picker opens: the value, else today clamped into min/max, else min-date.
pub(super) fn initial_date(item: &Item) -> Date {
    let value = match &item.value {
        Some(Value::String(s)) => parse_date(s),
        Some(Value::Object(r)) => r
            .get("start-date")
            .and_then(Value::as_str)
            .and_then(parse_date),
        _ => None,
    };
    value
        .or_else(|| item.text("min-date").and_then(|s| parse_date(&s)))
        .unwrap_or_else(|| jiff::Zoned::now().date())
}
