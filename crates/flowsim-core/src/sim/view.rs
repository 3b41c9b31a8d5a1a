//! What the current screen shows: its components with every binding, expression, `visible`,
//! `If` and `Switch` resolved. The terminal UI, `flowsim render` and the scenario runner all
//! read the screen through this one view.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::Session;
use crate::flow::expr;
use crate::flow::model::{Children, Component};
use crate::flow::spec::{Kind, Ty};

/// The resolved current screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenView {
    pub screen: String,
    pub title: String,
    pub terminal: bool,
    /// Visible components other than the Footer, top to bottom.
    pub items: Vec<Item>,
    pub footer: Option<Item>,
}

/// One visible component, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub kind: Kind,
    /// The component's JSON path: a stable identity for focus and hit-testing.
    pub key: Arc<str>,
    /// Every non-action property, resolved to plain JSON.
    pub props: Map<String, Value>,
    /// Actions as written (`on-click-action`, …).
    pub actions: Map<String, Value>,
    pub name: Option<String>,
    /// The input's current value.
    pub value: Option<Value>,
    /// The error shown under the field.
    pub error: Option<String>,
    pub enabled: bool,
    pub required: bool,
}

impl Item {
    /// A property as display text (numbers as WhatsApp prints them).
    pub fn text(&self, key: &str) -> Option<String> {
        match self.props.get(key)? {
            Value::Null => None,
            Value::Array(lines) => Some(
                lines
                    .iter()
                    .map(expr::display)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            v => Some(expr::display(v)),
        }
    }

    /// A boolean property; `default` when it is not given. A binding to a value that is not
    /// set (an untouched OptIn, a missing data field) counts as false.
    pub fn bool(&self, key: &str, default: bool) -> bool {
        match self.props.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(Value::Null) => false,
            Some(Value::String(s)) if s == "true" => true,
            Some(Value::String(s)) if s == "false" => false,
            _ => default,
        }
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        match self.props.get(key)? {
            Value::Number(n) => n.as_f64().map(|f| f as i64),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The objects of an array property (`data-source`, `list-items`, `images`).
    pub fn list(&self, key: &str) -> Vec<&Map<String, Value>> {
        match self.props.get(key) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
            _ => Vec::new(),
        }
    }

    /// Ids of the selected options (checkbox and chips values are arrays, radio and dropdown
    /// values a single id).
    pub fn selected(&self) -> Vec<String> {
        match &self.value {
            Some(Value::Array(ids)) => ids.iter().map(expr::display).collect(),
            Some(Value::String(id)) => vec![id.clone()],
            _ => Vec::new(),
        }
    }

    /// Every text the component shows, for `expect.text` and searches.
    pub fn texts(&self) -> Vec<String> {
        let mut out = Vec::new();
        for key in [
            "text",
            "label",
            "description",
            "helper-text",
            "left-caption",
            "center-caption",
            "right-caption",
            "title",
            "alt-text",
        ] {
            match self.props.get(key) {
                Some(Value::Object(range)) => out.extend(range.values().map(expr::display)),
                Some(_) => out.extend(self.text(key)),
                None => {}
            }
        }
        for key in ["data-source", "list-items"] {
            for item in self.list(key) {
                for k in ["title", "description", "metadata", "badge"] {
                    out.extend(item.get(k).map(expr::display));
                }
                for part in ["main-content", "end"] {
                    if let Some(Value::Object(m)) = item.get(part) {
                        out.extend(m.values().map(expr::display));
                    }
                }
            }
        }
        if let Some(v) = &self.value
            && matches!(
                self.kind,
                Kind::TextInput | Kind::TextArea | Kind::DatePicker | Kind::CalendarPicker
            )
        {
            out.push(expr::display(v));
        }
        out.extend(self.error.clone());
        out.retain(|s| !s.is_empty());
        out
    }
}

impl ScreenView {
    /// The title and the texts of every visible component.
    pub fn texts(&self) -> Vec<String> {
        let mut out = vec![self.title.clone()];
        for item in self.items.iter().chain(&self.footer) {
            out.extend(item.texts());
        }
        out
    }

    pub fn item_named(&self, name: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.name.as_deref() == Some(name))
    }

    pub fn item(&self, key: &str) -> Option<&Item> {
        self.items
            .iter()
            .chain(&self.footer)
            .find(|i| *i.key == *key)
    }
}

/// The Form around a component, whose `init-values` and `error-messages` apply to it.
#[derive(Clone, Copy)]
struct FormCtx<'a> {
    errors: Option<&'a Value>,
}

impl Session {
    /// The view of the current screen (an empty view before the flow starts).
    pub fn view(&self) -> ScreenView {
        let Some(id) = self.current() else {
            return ScreenView {
                screen: String::new(),
                title: String::new(),
                terminal: false,
                items: Vec::new(),
                footer: None,
            };
        };
        self.view_of(id)
    }

    pub fn view_of(&self, id: &str) -> ScreenView {
        let screen = self.flow.screen(id);
        let title = screen
            .and_then(|s| s.title())
            .map(|t| expr::display(&self.resolve_node(id, t)))
            .unwrap_or_default();
        let mut items = Vec::new();
        if let Some(screen) = screen {
            self.collect(
                id,
                screen.children(),
                FormCtx { errors: None },
                None,
                &mut items,
            );
        }
        let footer = items
            .iter()
            .position(|i| i.kind == Kind::Footer)
            .map(|pos| items.remove(pos));
        items.retain(|i| i.kind != Kind::Footer);
        ScreenView {
            screen: id.to_string(),
            title,
            terminal: screen.is_some_and(|s| s.is_terminal()),
            items,
            footer,
        }
    }

    /// What the current view's [`ScreenView::item_named`] finds, without making the items
    /// of the rest of the screen: an input changing its value needs only its own.
    pub(super) fn item_named(&self, name: &str) -> Option<Item> {
        let id = self.current()?;
        let screen = self.flow.screen(id)?;
        let mut items = Vec::new();
        let form = FormCtx { errors: None };
        self.collect(id, screen.children(), form, Some(name), &mut items);
        items.into_iter().find(|i| i.kind != Kind::Footer)
    }

    /// The visible items of `list`, in order; with `only`, just the components of that
    /// name.
    fn collect(
        &self,
        on: &str,
        list: &[Component],
        form: FormCtx,
        only: Option<&str>,
        out: &mut Vec<Item>,
    ) {
        for c in list {
            let Some(kind) = c.kind else { continue };
            match (kind, &c.children) {
                (Kind::If, Children::Branches { then, otherwise }) => {
                    let cond = c.prop("condition").and_then(|n| n.as_str()).unwrap_or("");
                    if self.condition(on, cond) {
                        self.collect(on, then, form, only, out);
                    } else if let Some(o) = otherwise {
                        self.collect(on, o, form, only, out);
                    }
                }
                (Kind::Switch, Children::Cases(cases)) => {
                    let value = c
                        .prop("value")
                        .map(|n| expr::display(&self.resolve_node(on, n)))
                        .unwrap_or_default();
                    // No case matches: a `default` case, as Meta's own example uses one
                    // (undocumented; flow-json.md §9 q4).
                    let case = cases
                        .iter()
                        .find(|case| case.key == value)
                        .or_else(|| cases.iter().find(|case| case.key == "default"));
                    if let Some(case) = case {
                        self.collect(on, &case.children, form, only, out);
                    }
                }
                (Kind::Form, Children::List(children)) => {
                    let errors = c.prop("error-messages").map(|n| self.resolve_node(on, n));
                    self.collect(
                        on,
                        children,
                        FormCtx {
                            errors: errors.as_ref(),
                        },
                        only,
                        out,
                    );
                }
                _ if only.is_some_and(|name| c.name() != Some(name)) => {}
                _ => {
                    if let Some(item) = self.item(on, c, kind, form) {
                        out.push(item);
                    }
                }
            }
        }
    }

    fn item(&self, on: &str, c: &Component, kind: Kind, form: FormCtx) -> Option<Item> {
        let spec = kind.spec();
        let mut props = Map::new();
        let mut actions = Map::new();
        for m in &c.props {
            if m.key == "type" {
                continue;
            }
            match spec.prop(&m.key) {
                Some(p) if matches!(p.ty, Ty::Action(_)) => {
                    actions.insert(m.key.to_string(), m.value.to_json());
                }
                _ => {
                    props.insert(m.key.to_string(), self.resolve_node(on, &m.value));
                }
            }
        }
        let mut item = Item {
            kind,
            key: c.key(),
            name: c.name().map(str::to_string),
            value: None,
            error: None,
            enabled: true,
            required: false,
            props,
            actions,
        };
        if !item.bool("visible", true) {
            return None;
        }
        item.enabled = item.bool("enabled", true);
        item.required = match item.props.get("required") {
            Some(Value::Object(range)) => range.values().any(|v| *v == Value::Bool(true)),
            _ => item.bool("required", false),
        } || match kind {
            Kind::PhotoPicker => item.int("min-uploaded-photos").unwrap_or(0) > 0,
            Kind::DocumentPicker => item.int("min-uploaded-documents").unwrap_or(0) > 0,
            _ => false,
        };
        if let Some(name) = &item.name
            && let Some(store) = self.stores.get(on)
        {
            item.value = store.form.get(name).cloned();
            let declared = form
                .errors
                .and_then(|e| e.get(name))
                .or_else(|| item.props.get("error-message"))
                .filter(|_| !store.edited.contains(name));
            item.error = store.errors.get(name).cloned().or_else(|| match declared {
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                _ => None,
            });
        }
        Some(item)
    }
}
