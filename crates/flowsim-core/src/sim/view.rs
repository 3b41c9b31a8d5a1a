//! What the current screen shows: its components with every binding, expression, `visible`,
//! `If` and `Switch` resolved. The terminal UI, `flowsim render` and the scenario runner all
//! read the screen through this one view.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::Session;
use crate::flow::expr::{self, PropText, Ref, Scope, Store};
use crate::flow::json::{self, Node};
use crate::flow::model::{Children, Component};
use crate::flow::spec::{ComponentSpec, Kind, Ty};

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
#[derive(Clone, Copy, Default)]
struct FormCtx<'a> {
    /// Its `error-messages` as written,
    messages: Option<&'a Node>,
    /// and resolved.
    errors: Option<&'a Value>,
}

/// What [`Session::collect`] does with each visible component: makes its item, or leaves it
/// out (`None`).
type Make<'m> = dyn FnMut(&Component, Kind, FormCtx) -> Option<Item> + 'm;

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
        let mut items = Vec::new();
        if let Some(screen) = screen {
            self.collect(
                id,
                screen.children(),
                FormCtx::default(),
                &mut |c, kind, form| self.item(id, c, kind, form),
                &mut items,
            );
        }
        let footer = take_footer(&mut items);
        ScreenView {
            screen: id.to_string(),
            title: screen
                .and_then(|s| s.title())
                .map(|t| self.title(id, t))
                .unwrap_or_default(),
            terminal: screen.is_some_and(|s| s.is_terminal()),
            items,
            footer,
        }
    }

    /// Makes `view`, this session's view from just before input `name` was set
    /// ([`Input::Set`](super::Input::Set)), the view [`Session::view`] makes now, without
    /// making the whole screen again: the screen is walked again (conditions, switches), and
    /// only the items that read the input (a text showing `${form.NAME}`, …) and those not
    /// shown before are made; the input's own item gets its new value and error, and every
    /// other item is kept, as it reads nothing that changed. Typing into a field then costs a
    /// few items, not a screen.
    ///
    /// False, with `view` left as it was, when the set may have changed more than the input
    /// (it ran an action of the input or of its options) or `view` is not of the current
    /// screen: make a new view then.
    pub fn patch_view(&self, view: &mut ScreenView, name: &str) -> bool {
        let Some(id) = self.current() else {
            return false;
        };
        let Some(screen) = self.flow.screen(id) else {
            return false;
        };
        let acts = |i: &Item| i.name.as_deref() == Some(name) && may_act(i);
        if view.screen != id || view.items.iter().chain(&view.footer).any(acts) {
            return false;
        }
        if let Some(title) = screen.title().filter(|t| reads(t, id, name)) {
            view.title = self.title(id, title);
        }
        let mut kept = Kept {
            items: std::mem::take(&mut view.items)
                .into_iter()
                .chain(view.footer.take())
                .map(Some)
                .collect(),
            next: 0,
        };
        let mut items = Vec::with_capacity(kept.items.len());
        self.collect(
            id,
            screen.children(),
            FormCtx::default(),
            &mut |c, kind, form| {
                let reads_input = item_reads(c, kind, id, name)
                    || form.messages.is_some_and(|m| reads(m, id, name));
                if !reads_input && let Some(mut item) = kept.take(&c.key()) {
                    if c.name() == Some(name) {
                        (item.value, item.error) = self.input_state(id, &item, form);
                    }
                    return Some(item);
                }
                self.item(id, c, kind, form)
            },
            &mut items,
        );
        view.footer = take_footer(&mut items);
        view.items = items;
        true
    }

    /// What the current view's [`ScreenView::item_named`] finds, without making the items
    /// of the rest of the screen: an input changing its value needs only its own.
    pub(super) fn item_named(&self, name: &str) -> Option<Item> {
        let id = self.current()?;
        let screen = self.flow.screen(id)?;
        let mut items = Vec::new();
        self.collect(
            id,
            screen.children(),
            FormCtx::default(),
            &mut |c, kind, form| {
                if c.name() == Some(name) {
                    self.item(id, c, kind, form)
                } else {
                    None
                }
            },
            &mut items,
        );
        items.into_iter().find(|i| i.kind != Kind::Footer)
    }

    /// A screen's `title`, resolved.
    fn title(&self, on: &str, title: &Node) -> String {
        expr::display(&self.resolve_node(on, title))
    }

    /// What `make` makes of the visible components of `list`, in order.
    fn collect(
        &self,
        on: &str,
        list: &[Component],
        form: FormCtx,
        make: &mut Make,
        out: &mut Vec<Item>,
    ) {
        for c in list {
            let Some(kind) = c.kind else { continue };
            match (kind, &c.children) {
                (Kind::If, Children::Branches { then, otherwise }) => {
                    let cond = c.prop("condition").and_then(|n| n.as_str()).unwrap_or("");
                    if self.condition(on, cond) {
                        self.collect(on, then, form, make, out);
                    } else if let Some(o) = otherwise {
                        self.collect(on, o, form, make, out);
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
                        self.collect(on, &case.children, form, make, out);
                    }
                }
                (Kind::Form, Children::List(children)) => {
                    let messages = c.prop("error-messages");
                    let errors = messages.map(|n| self.resolve_node(on, n));
                    let form = FormCtx {
                        messages,
                        errors: errors.as_ref(),
                    };
                    self.collect(on, children, form, make, out);
                }
                _ => out.extend(make(c, kind, form)),
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
            if is_action(spec, &m.key) {
                actions.insert(m.key.to_string(), m.value.to_json());
            } else {
                props.insert(m.key.to_string(), self.resolve_node(on, &m.value));
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
        (item.value, item.error) = self.input_state(on, &item, form);
        Some(item)
    }

    /// An input's value, and the error shown under it: from a check on submit, else the one
    /// its Form or its `error-message` gives until the user edits it.
    fn input_state(&self, on: &str, item: &Item, form: FormCtx) -> (Option<Value>, Option<String>) {
        let (Some(name), Some(store)) = (&item.name, self.stores.get(on)) else {
            return (None, None);
        };
        let declared = form
            .errors
            .and_then(|e| e.get(name))
            .or_else(|| item.props.get("error-message"))
            .filter(|_| !store.edited.contains(name));
        let error = store.errors.get(name).cloned().or_else(|| match declared {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        });
        (store.form.get(name).cloned(), error)
    }
}

/// Takes the Footer out of a screen's items: the first one shows below the body, any other
/// not at all.
fn take_footer(items: &mut Vec<Item>) -> Option<Item> {
    let footer = items
        .iter()
        .position(|i| i.kind == Kind::Footer)
        .map(|pos| items.remove(pos));
    items.retain(|i| i.kind != Kind::Footer);
    footer
}

/// The items of a view being brought up to date, taken by component key. They come in
/// document order, as the screen is walked again, so the search starts after the last one
/// taken.
struct Kept {
    items: Vec<Option<Item>>,
    next: usize,
}

impl Kept {
    fn take(&mut self, key: &str) -> Option<Item> {
        let n = self.items.len();
        let at = (self.next..n)
            .chain(0..self.next)
            .find(|&i| self.items[i].as_ref().is_some_and(|item| *item.key == *key))?;
        self.next = at + 1;
        self.items[at].take()
    }
}

/// Whether a view keeps property `key` of a component as written rather than resolved: an
/// action, resolved when it runs.
fn is_action(spec: &ComponentSpec, key: &str) -> bool {
    spec.prop(key)
        .is_some_and(|p| matches!(p.ty, Ty::Action(_)))
}

/// Whether setting this input can run an action (its own or one of its options', see
/// `Session::set`), and so change anything at all.
fn may_act(item: &Item) -> bool {
    !item.actions.is_empty()
        || item
            .list("data-source")
            .iter()
            .any(|option| option.keys().any(|k| k.starts_with("on-")))
}

/// Whether the item [`Session::item`] makes of `c` on screen `on` reads input `name` of that
/// screen, in a property it resolves.
fn item_reads(c: &Component, kind: Kind, on: &str, name: &str) -> bool {
    let spec = kind.spec();
    c.props
        .iter()
        .any(|m| m.key != "type" && !is_action(spec, &m.key) && reads(&m.value, on, name))
}

/// Whether resolving `node` on screen `on` ([`Session::resolve_node`]: its bindings and nested
/// expressions, not its actions) reads input `name` of that screen. Only text that spells
/// the name is parsed.
fn reads(node: &Node, on: &str, name: &str) -> bool {
    match &node.value {
        json::Value::String(s) => {
            s.contains(name)
                && match expr::classify(s) {
                    PropText::Binding(r) => is_input(&r, on, name),
                    PropText::Nested(e) => {
                        expr::refs(&e).into_iter().any(|r| is_input(r, on, name))
                    }
                    PropText::Literal | PropText::Invalid(_) => false,
                }
        }
        json::Value::Array(items) => items.iter().any(|n| reads(n, on, name)),
        json::Value::Object(members) => members
            .iter()
            .any(|m| !m.key.starts_with("on-") && reads(&m.value, on, name)),
        _ => false,
    }
}

/// Whether reference `r`, made on screen `on`, reads input `name` of that screen (or a member
/// of its value).
fn is_input(r: &Ref, on: &str, name: &str) -> bool {
    let here = match &r.scope {
        Scope::Local => true,
        Scope::Screen(id) => id == on,
    };
    here && r.store == Store::Form && r.path.first().is_some_and(|p| p == name)
}
