//! The simulation engine: a flow run exactly as the WhatsApp client runs it, as a pure state
//! machine. [`Session::update`] takes one [`Input`] (the user typed, tapped, went back; the
//! endpoint answered) and returns the [`Effect`]s the shell must carry out (send a request,
//! open a URL, deliver the completion). Same state and input, same result: no clock, no IO.
//!
//! Semantics follow flow-json.md §2.2, §4.9 and endpoint.md §4–5; where Meta is silent the
//! choices are listed in the README ("What is approximate").

mod answer;
pub mod checks;
mod eval;
pub mod mock;
mod view;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value, json};

pub use answer::{AnswerCode, AnswerFinding, ClientError, Level};
pub use view::{Item, ScreenView};

use crate::flow::model::{Children, Component, Flow};
use crate::flow::spec::Kind;
use crate::flow::version::v;

/// The stores of one screen: readable after leaving it through `${screen.ID.…}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScreenStore {
    pub data: Map<String, Value>,
    pub form: Map<String, Value>,
    /// Errors from client-side checks on submit, by input name.
    pub errors: BTreeMap<String, String>,
    /// Inputs the user changed since the screen was rendered: their `error-message` from the
    /// data is hidden, as the client clears it on edit.
    pub edited: BTreeSet<String>,
}

/// How a flow is opened (flow-json.md §4.8).
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// `flow_action: navigate`: show `screen` (default: the first entry screen) with `data`
    /// (default: its `__example__` data).
    Navigate {
        screen: Option<String>,
        data: Option<Map<String, Value>>,
    },
    /// `flow_action: data_exchange`: ask the endpoint with `INIT`.
    DataExchange,
}

/// What the user (or the endpoint) did.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Start(Start),
    /// Set an input's value, as the user would: typed text, a picked date, the selected id(s),
    /// an OptIn's boolean, chosen files. `Value::Null` clears it.
    Set {
        name: String,
        value: Value,
    },
    /// Add a file to a photo or document picker, as the user picks it: the file's descriptor
    /// from the shell (which reads it, and uploads it where there is a CDN), or why it could
    /// not be read. The client's limits apply (`sim::checks::FileRules`); a refused or
    /// unreadable file is not attached and the reason shows on the component.
    Attach {
        name: String,
        file: Result<Value, String>,
    },
    /// Tap something on the screen.
    Tap(Tap),
    /// The phone's back button.
    Back,
    /// The endpoint answered the pending request (decrypted), or failed.
    Answer(Result<Value, ReplyError>),
}

/// Why an endpoint gave no usable answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyError {
    /// What went wrong and the likely cause.
    pub message: String,
    /// The endpoint answered 427: the flow token is no longer valid, so the flow closes and
    /// its button is disabled (endpoint.md §6.2).
    pub token_invalid: bool,
}

impl From<String> for ReplyError {
    fn from(message: String) -> Self {
        ReplyError {
            message,
            token_invalid: false,
        }
    }
}

impl From<&str> for ReplyError {
    fn from(message: &str) -> Self {
        message.to_string().into()
    }
}

/// What can be tapped.
#[derive(Debug, Clone, PartialEq)]
pub enum Tap {
    Footer,
    /// An EmbeddedLink, by the component key from the view.
    Link(Arc<str>),
    /// The "Read more" link of the OptIn named so.
    ReadMore(String),
    /// A NavigationList item: the list's name and the item id.
    ListItem {
        name: String,
        id: String,
    },
}

/// What the shell must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send this request to the endpoint, then feed the answer back as [`Input::Answer`].
    /// Error notifications are sent too, but expect no input back.
    Request(Request),
    /// The flow asked to open a URL (never opened silently).
    OpenUrl(String),
    /// The flow ended: what the business receives.
    Complete(Completion),
}

/// A request to the endpoint, before encryption (endpoint.md §4). It carries what the flow
/// said when it was made (Data API version, token signing), so a request made after a live
/// reload follows the reloaded flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub action: String,
    pub screen: String,
    pub data: Map<String, Value>,
    pub flow_token: String,
    /// The flow's `data_api_version` (`"3.0"` when it declares none).
    pub version: String,
    /// Whether the client adds `flow_token_signature`: Data API 4.0 with Flow JSON 7.3 or
    /// later (endpoint.md §4.8). The signature itself needs the app secret: the client adds it.
    pub sign_flow_token: bool,
    /// Error notifications (endpoint.md §4.6) get no answer that changes the screen.
    pub notification: bool,
}

impl Request {
    /// The decrypted payload, members in the order the WhatsApp client sends them
    /// (endpoint.md §4.1): `data, flow_token, screen, action, version`.
    pub fn payload(&self) -> Value {
        json!({
            "data": self.data,
            "flow_token": self.flow_token,
            "screen": self.screen,
            "action": self.action,
            "version": self.version,
        })
    }
}

/// The end of a flow (flow-json.md §7.2).
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// The screen the flow ended on.
    pub screen: String,
    /// `response_json` of the `nfm_reply` message, as an object (flow token included).
    pub response: Map<String, Value>,
}

impl Completion {
    /// The `nfm_reply` part of the webhook the business receives.
    pub fn nfm_reply(&self) -> Value {
        json!({
            "type": "nfm_reply",
            "nfm_reply": {
                "name": "flow",
                "body": "Sent",
                "response_json": Value::Object(self.response.clone()).to_string(),
            }
        })
    }
}

/// Where the session is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    NotStarted,
    Running,
    /// Waiting for the endpoint's answer to this request.
    Waiting(Pending),
    Completed(Completion),
    /// The user closed the flow (back on the first screen) or the client gave up.
    Closed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub request: Request,
    /// The screen the request was made from (`None` for INIT).
    pub from: Option<String>,
}

/// One step of a session, for traces and the side panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub message: String,
}

/// What the flow did, in Flow JSON's terms: the journal that `flowsim test --coverage` and the
/// preview's map read. It is kept across live reloads and starts again with the flow.
#[derive(Debug, Clone, PartialEq)]
pub enum Walk {
    /// Screen `to` was shown, reached from `from` (`None`: the flow opened on it).
    Screen { from: Option<String>, to: String },
    /// The user set input `name` on `screen`.
    Input { screen: String, name: String },
    /// An action written in the flow ran: the JSON path of the action object
    /// (`screens[0].layout.children[3].on-click-action`).
    Action { screen: String, path: String },
    /// The flow completed on `screen` (a `complete` action or a `SUCCESS` answer).
    Completed { screen: String },
}

/// A running flow.
#[derive(Debug, Clone)]
pub struct Session {
    pub flow: Arc<Flow>,
    pub flow_token: String,
    /// Visited screens, the current one last.
    pub stack: Vec<String>,
    pub stores: HashMap<String, ScreenStore>,
    pub phase: Phase,
    /// A transient message at the bottom of the screen (endpoint `error_message`, client
    /// errors).
    pub snackbar: Option<String>,
    /// The last request sent to the endpoint.
    pub last_request: Option<Request>,
    /// The last client-side error about an endpoint answer.
    pub client_error: Option<ClientError>,
    /// What the client found in the last endpoint answer: warnings, and the error that made
    /// it reject the answer (endpoint.md §5.1).
    pub findings: Vec<AnswerFinding>,
    pub events: Vec<Event>,
    /// What the flow did since it started.
    pub walked: Vec<Walk>,
}

impl Session {
    pub fn new(flow: Arc<Flow>, flow_token: impl Into<String>) -> Session {
        Session {
            flow,
            flow_token: flow_token.into(),
            stack: Vec::new(),
            stores: HashMap::new(),
            phase: Phase::NotStarted,
            snackbar: None,
            last_request: None,
            client_error: None,
            findings: Vec::new(),
            events: Vec::new(),
            walked: Vec::new(),
        }
    }

    /// The same session on a new version of the flow (live reload): the navigation stack,
    /// data and form values are kept wherever their screens still exist, so nothing the user
    /// typed is lost. A pending request is kept too: its answer still applies.
    pub fn rebase(&self, flow: Arc<Flow>) -> Session {
        let stack: Vec<String> = self
            .stack
            .iter()
            .filter(|id| flow.screen(id).is_some())
            .cloned()
            .collect();
        let stores = self
            .stores
            .iter()
            .filter(|(id, _)| flow.screen(id).is_some())
            .map(|(id, s)| (id.clone(), s.clone()))
            .collect();
        let mut next = Session {
            flow,
            stack,
            stores,
            ..self.clone()
        };
        if next.stack.is_empty() && next.phase == Phase::Running {
            // Every visited screen is gone: start over.
            next.update(Input::Start(Start::Navigate {
                screen: None,
                data: None,
            }));
        }
        if let Some(id) = next.current().map(str::to_string) {
            next.init_values(&id);
        }
        next
    }

    /// The current screen id.
    pub fn current(&self) -> Option<&str> {
        self.stack.last().map(String::as_str)
    }

    pub fn store(&self) -> Option<&ScreenStore> {
        self.current().and_then(|id| self.stores.get(id))
    }

    fn store_mut(&mut self) -> Option<&mut ScreenStore> {
        let id = self.stack.last()?.clone();
        self.stores.get_mut(&id)
    }

    fn note(&mut self, message: impl Into<String>) {
        self.events.push(Event {
            message: message.into(),
        });
    }

    /// The flow's data API version (`"3.0"` when the flow declares none).
    pub fn data_api_version(&self) -> &str {
        self.flow.data_api_version.as_deref().unwrap_or("3.0")
    }

    /// A request as the client makes it now, for the flow as it is now.
    fn request(
        &self,
        action: &str,
        screen: String,
        data: Map<String, Value>,
        notification: bool,
    ) -> Request {
        let version = self.data_api_version().to_string();
        Request {
            action: action.to_string(),
            screen,
            data,
            flow_token: self.flow_token.clone(),
            sign_flow_token: version == "4.0" && self.flow.version >= v(7, 3),
            version,
            notification,
        }
    }

    /// Whether the Footer can be tapped: `enabled`, and every visible required input has a
    /// value. (Meta documents that a navigate CTA waits for the data the next screen needs;
    /// the client greys the button out while required fields are empty.)
    pub fn footer_enabled(&self) -> bool {
        let view = self.view();
        let Some(footer) = &view.footer else {
            return false;
        };
        footer.enabled && checks::missing_required(&view).is_empty()
    }

    /// Applies one input. Inputs that make no sense now (typing while a request is pending,
    /// tapping a disabled Footer) change nothing and are noted in [`Session::events`].
    pub fn update(&mut self, input: Input) -> Vec<Effect> {
        let mut effects = Vec::new();
        match input {
            Input::Start(start) => self.start(start, &mut effects),
            Input::Answer(answer) => self.answer(answer, &mut effects),
            _ if matches!(self.phase, Phase::Waiting(_)) => {
                self.note("ignored: waiting for the endpoint");
            }
            _ if self.phase != Phase::Running => {
                self.note("ignored: the flow is not running");
            }
            Input::Set { name, value } => self.set(&name, value, &mut effects),
            Input::Attach { name, file } => self.attach(&name, file),
            Input::Tap(tap) => self.tap(tap, &mut effects),
            Input::Back => self.back(&mut effects),
        }
        effects
    }

    fn start(&mut self, start: Start, effects: &mut Vec<Effect>) {
        self.stack.clear();
        self.stores.clear();
        self.snackbar = None;
        self.client_error = None;
        self.findings.clear();
        self.walked.clear();
        self.phase = Phase::Running;
        match start {
            Start::Navigate { screen, data } => {
                let id = screen
                    .or_else(|| self.flow.entry_screens().first().map(|s| s.id.clone()))
                    .or_else(|| self.flow.screens.first().map(|s| s.id.clone()));
                let Some(id) = id else {
                    self.phase = Phase::Closed("the flow has no screens".into());
                    return;
                };
                let data = data.unwrap_or_else(|| {
                    self.flow
                        .screen(&id)
                        .map(|s| s.data.example())
                        .unwrap_or_default()
                });
                self.note(format!("open {id}"));
                self.enter(&id, data, effects);
            }
            Start::DataExchange => {
                self.note("open with INIT");
                self.send("INIT", String::new(), Map::new(), None, effects);
            }
        }
    }

    /// Pushes screen `id` with `data` as a fresh instance.
    fn enter(&mut self, id: &str, data: Map<String, Value>, effects: &mut Vec<Effect>) {
        self.walked.push(Walk::Screen {
            from: self.current().map(str::to_string),
            to: id.to_string(),
        });
        self.stores.insert(
            id.to_string(),
            ScreenStore {
                data,
                ..ScreenStore::default()
            },
        );
        self.stack.push(id.to_string());
        self.init_values(id);
        self.on_render(effects);
    }

    /// Sets `init-value` / Form `init-values` for inputs that have no value yet.
    fn init_values(&mut self, id: &str) {
        let flow = Arc::clone(&self.flow);
        let Some(screen) = flow.screen(id) else {
            return;
        };
        let mut inits: Vec<(String, Value)> = Vec::new();
        for c in screen.children() {
            self.collect_inits(id, c, None, &mut inits);
        }
        if let Some(store) = self.stores.get_mut(id) {
            for (name, value) in inits {
                if !store.form.contains_key(&name) && !is_empty(&value) {
                    store.form.insert(name, value);
                }
            }
        }
    }

    fn collect_inits(
        &self,
        on: &str,
        c: &Component,
        form_inits: Option<&Value>,
        out: &mut Vec<(String, Value)>,
    ) {
        match (&c.kind, &c.children) {
            (Some(Kind::Form), Children::List(children)) => {
                let inits = c.prop("init-values").map(|n| self.resolve_node(on, n));
                for child in children {
                    self.collect_inits(on, child, inits.as_ref(), out);
                }
            }
            _ => {
                if let Some(name) = c.name().filter(|_| c.kind.is_some_and(Kind::is_input)) {
                    // An OptIn starts unticked: its value is `false`, not missing.
                    let value = form_inits
                        .and_then(|i| i.get(name).cloned())
                        .or_else(|| c.prop("init-value").map(|n| self.resolve_node(on, n)))
                        .or_else(|| (c.kind == Some(Kind::OptIn)).then_some(Value::Bool(false)));
                    if let Some(value) = value {
                        out.push((name.to_string(), value));
                    }
                }
                for list in c.child_lists() {
                    for child in list {
                        self.collect_inits(on, child, form_inits, out);
                    }
                }
            }
        }
    }

    /// Flow JSON 6.x fires component-level `on-select-action`s when a screen is rendered
    /// (flow-json.md §4.6); 7.0 stopped that. Only `update_data` ones run here: a request on
    /// every render would be noise (see the README).
    fn on_render(&mut self, effects: &mut Vec<Effect>) {
        let version = self.flow.version;
        if !(v(6, 0) <= version && version < v(7, 0)) {
            return;
        }
        let view = self.view();
        for item in &view.items {
            if let Some(action) = item.actions.get("on-select-action")
                && action.get("name").and_then(Value::as_str) == Some("update_data")
                && item.value.is_some()
            {
                let action = action.clone();
                self.run(&format!("{}.on-select-action", item.key), &action, effects);
            }
        }
    }

    /// Drops selected ids that are no longer options (the data-source changed under them).
    fn prune_selections(&mut self) {
        let view = self.view();
        let mut changes = Vec::new();
        for item in &view.items {
            if !matches!(
                item.kind,
                Kind::RadioButtonsGroup
                    | Kind::Dropdown
                    | Kind::CheckboxGroup
                    | Kind::ChipsSelector
            ) {
                continue;
            }
            let (Some(name), Some(value)) = (&item.name, &item.value) else {
                continue;
            };
            let ids: Vec<String> = item
                .list("data-source")
                .iter()
                .filter_map(|o| o.get("id").map(crate::flow::expr::display))
                .collect();
            let kept = match value {
                Value::Array(sel) => {
                    let kept: Vec<Value> = sel
                        .iter()
                        .filter(|v| ids.contains(&crate::flow::expr::display(v)))
                        .cloned()
                        .collect();
                    (kept.len() != sel.len()).then_some(Value::Array(kept))
                }
                v => (!ids.contains(&crate::flow::expr::display(v))).then_some(Value::Null),
            };
            if let Some(kept) = kept {
                changes.push((name.clone(), kept));
            }
        }
        if let Some(store) = self.store_mut() {
            for (name, value) in changes {
                if is_empty(&value) {
                    store.form.remove(&name);
                } else {
                    store.form.insert(name, value);
                }
            }
        }
    }

    fn set(&mut self, name: &str, value: Value, effects: &mut Vec<Effect>) {
        let Some(item) = self.item_named(name) else {
            self.note(format!("ignored: no visible input named `{name}`"));
            return;
        };
        if !item.enabled {
            self.note(format!("ignored: `{name}` is disabled"));
            return;
        }
        let before = item.selected();
        let kind = item.kind;
        if let Some(store) = self.store_mut() {
            if is_empty(&value) {
                store.form.remove(name);
            } else {
                store.form.insert(name.to_string(), value);
            }
            store.errors.remove(name);
            store.edited.insert(name.to_string());
        }
        if let Some(screen) = self.current().map(str::to_string) {
            self.walked.push(Walk::Input {
                screen,
                name: name.to_string(),
            });
        }
        self.snackbar = None;
        if matches!(
            kind,
            Kind::RadioButtonsGroup | Kind::Dropdown | Kind::CheckboxGroup | Kind::ChipsSelector
        ) {
            let after = self
                .item_named(name)
                .map(|i| i.selected())
                .unwrap_or_default();
            self.selection_actions(&item, &before, &after, effects);
        } else if matches!(kind, Kind::OptIn | Kind::DatePicker | Kind::CalendarPicker) {
            let now = self.store().and_then(|s| s.form.get(name)).cloned();
            let selected = match (kind, &now) {
                (Kind::OptIn, Some(Value::Bool(b))) => *b,
                (Kind::OptIn, _) => false,
                (_, v) => v.is_some(),
            };
            self.select_action(&item, selected, effects);
        }
    }

    fn attach(&mut self, name: &str, file: Result<Value, String>) {
        let Some(item) = self.item_named(name).filter(|i| i.kind.is_picker()) else {
            self.note(format!(
                "ignored: no visible photo or document picker named `{name}`"
            ));
            return;
        };
        if !item.enabled {
            self.note(format!("ignored: `{name}` is disabled"));
            return;
        }
        self.snackbar = None;
        let refusal = match &file {
            Err(e) => Some(e.clone()),
            Ok(f) => checks::FileRules::of(&item).refuse_descriptor(f),
        };
        let file = match (refusal, file) {
            (None, Ok(file)) => file,
            (Some(message), _) | (None, Err(message)) => {
                self.note(format!("not attached to {name}: {message}"));
                if let Some(store) = self.store_mut() {
                    store.errors.insert(name.to_string(), message);
                }
                return;
            }
        };
        let label = file
            .get("file_name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Some(store) = self.store_mut() {
            let files = store
                .form
                .entry(name.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            match files {
                Value::Array(list) => list.push(file),
                other => *other = Value::Array(vec![file]),
            }
            store.errors.remove(name);
            store.edited.insert(name.to_string());
        }
        self.note(format!("attached {label} to {name}"));
    }

    /// Fires on-select/on-unselect actions for a change of selection: the component's own,
    /// then those of the items that changed (components.md §3.5).
    fn selection_actions(
        &mut self,
        item: &Item,
        before: &[String],
        after: &[String],
        effects: &mut Vec<Effect>,
    ) {
        let added: Vec<&String> = after.iter().filter(|id| !before.contains(id)).collect();
        let removed: Vec<&String> = before.iter().filter(|id| !after.contains(id)).collect();
        if !added.is_empty() {
            self.select_action(item, true, effects);
        } else if !removed.is_empty() {
            self.select_action(item, false, effects);
        }
        for (i, option) in item.list("data-source").into_iter().enumerate() {
            let Some(id) = option.get("id").map(crate::flow::expr::display) else {
                continue;
            };
            let key = if added.contains(&&id) {
                "on-select-action"
            } else if removed.contains(&&id) {
                "on-unselect-action"
            } else {
                continue;
            };
            if let Some(action) = option.get(key) {
                let action = action.clone();
                self.run(
                    &format!("{}.data-source[{i}].{key}", item.key),
                    &action,
                    effects,
                );
            }
        }
    }

    /// `on-select-action` handles unselection too unless `on-unselect-action` is given.
    fn select_action(&mut self, item: &Item, selected: bool, effects: &mut Vec<Effect>) {
        let key = if selected || !item.actions.contains_key("on-unselect-action") {
            "on-select-action"
        } else {
            "on-unselect-action"
        };
        if let Some(action) = item.actions.get(key).cloned() {
            self.run(&format!("{}.{key}", item.key), &action, effects);
        }
    }

    fn tap(&mut self, tap: Tap, effects: &mut Vec<Effect>) {
        let view = self.view();
        match tap {
            Tap::Footer => {
                let Some(footer) = &view.footer else {
                    self.note("ignored: the screen has no Footer");
                    return;
                };
                if !footer.enabled {
                    self.note("ignored: the Footer is disabled");
                    return;
                }
                let missing = checks::missing_required(&view);
                if !missing.is_empty() {
                    self.note(format!(
                        "ignored: the Footer is disabled until {} filled",
                        missing.join(", ")
                    ));
                    return;
                }
                let errors = checks::field_errors(&view, self.flow.version);
                if !errors.is_empty() {
                    self.note(format!(
                        "not submitted: {}",
                        errors
                            .iter()
                            .map(|(k, v)| format!("{k}: {v}"))
                            .collect::<Vec<_>>()
                            .join("; ")
                    ));
                    if let Some(store) = self.store_mut() {
                        store.errors = errors;
                    }
                    return;
                }
                if let Some(action) = footer.actions.get("on-click-action").cloned() {
                    self.run(&format!("{}.on-click-action", footer.key), &action, effects);
                }
            }
            Tap::Link(key) => {
                let action = view
                    .items
                    .iter()
                    .find(|i| i.key == key && i.kind == Kind::EmbeddedLink)
                    .and_then(|i| i.actions.get("on-click-action").cloned());
                match action {
                    Some(action) => self.run(&format!("{key}.on-click-action"), &action, effects),
                    None => self.note("ignored: no such link on the screen"),
                }
            }
            Tap::ReadMore(name) => {
                let action = view.item_named(&name).and_then(|i| {
                    let action = i.actions.get("on-click-action")?;
                    Some((format!("{}.on-click-action", i.key), action.clone()))
                });
                match action {
                    Some((at, action)) => self.run(&at, &action, effects),
                    None => self.note(format!("ignored: `{name}` has no \"Read more\" link")),
                }
            }
            Tap::ListItem { name, id } => {
                let Some(list) = view.item_named(&name) else {
                    self.note(format!("ignored: no NavigationList named `{name}`"));
                    return;
                };
                let action = list
                    .list("list-items")
                    .into_iter()
                    .enumerate()
                    .find(|(_, i)| i.get("id").and_then(Value::as_str) == Some(id.as_str()))
                    .and_then(|(n, i)| {
                        let action = i.get("on-click-action")?;
                        Some((
                            format!("{}.list-items[{n}].on-click-action", list.key),
                            action.clone(),
                        ))
                    })
                    .or_else(|| {
                        let action = list.actions.get("on-click-action")?;
                        Some((format!("{}.on-click-action", list.key), action.clone()))
                    });
                let list = list.clone();
                if let Some(store) = self.store_mut() {
                    store.form.insert(name.clone(), Value::String(id.clone()));
                }
                match action {
                    Some((at, action)) => self.run(&at, &action, effects),
                    None => self.note(format!(
                        "ignored: item `{id}` of `{}` has no action",
                        list.key
                    )),
                }
            }
        }
    }

    /// Runs an action object from the current screen; `at` is its JSON path in the flow.
    fn run(&mut self, at: &str, action: &Value, effects: &mut Vec<Effect>) {
        let Some(on) = self.current().map(str::to_string) else {
            return;
        };
        self.walked.push(Walk::Action {
            screen: on.clone(),
            path: at.to_string(),
        });
        let name = action
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let payload = self.resolve_payload(&on, action.get("payload"));
        match name {
            "navigate" => {
                let Some(target) = action.pointer("/next/name").and_then(Value::as_str) else {
                    self.note("ignored: navigate without `next.name`");
                    return;
                };
                if self.flow.screen(target).is_none() {
                    self.note(format!("ignored: navigate to unknown screen `{target}`"));
                    return;
                }
                self.note(format!("navigate {on} → {target}"));
                self.enter(target, payload, effects);
            }
            "complete" => {
                if let Some(problem) = completion_media_problem(&payload) {
                    self.refuse_completion(problem);
                    return;
                }
                let mut response = Map::new();
                response.insert("flow_token".into(), Value::String(self.flow_token.clone()));
                response.extend(media_for(payload, MediaUse::Complete));
                let completion = Completion {
                    screen: on.clone(),
                    response,
                };
                self.note(format!("complete on {on}"));
                self.walked.push(Walk::Completed { screen: on.clone() });
                self.phase = Phase::Completed(completion.clone());
                effects.push(Effect::Complete(completion));
            }
            "data_exchange" => {
                let payload = media_for(payload, MediaUse::Endpoint);
                self.send("data_exchange", on.clone(), payload, Some(on), effects);
            }
            "update_data" => {
                self.note(format!("update_data {}", Value::Object(payload.clone())));
                if let Some(store) = self.store_mut() {
                    store.data.extend(payload);
                }
                self.prune_selections();
            }
            "open_url" => {
                let url = action
                    .get("url")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                self.note(format!("open_url {url}"));
                effects.push(Effect::OpenUrl(url));
            }
            other => self.note(format!("ignored: unknown action `{other}`")),
        }
    }

    /// The completion carries more media than the client sends: nothing is sent, and the
    /// reason shows on the screen's picker (or in a snackbar when the screen has none).
    fn refuse_completion(&mut self, problem: String) {
        self.note(format!("not completed: {problem}"));
        let pickers: Vec<String> = self
            .view()
            .items
            .iter()
            .filter(|i| i.kind.is_picker())
            .filter_map(|i| i.name.clone())
            .collect();
        if pickers.is_empty() {
            self.snackbar = Some(problem);
        } else if let Some(store) = self.store_mut() {
            for name in pickers {
                store.errors.insert(name, problem.clone());
            }
        }
    }

    /// Queues a request and waits for its answer.
    fn send(
        &mut self,
        action: &str,
        screen: String,
        data: Map<String, Value>,
        from: Option<String>,
        effects: &mut Vec<Effect>,
    ) {
        let request = self.request(action, screen, data, false);
        self.note(format!("request {} {}", request.action, request.screen));
        self.last_request = Some(request.clone());
        self.phase = Phase::Waiting(Pending {
            request: request.clone(),
            from,
        });
        self.snackbar = None;
        effects.push(Effect::Request(request));
    }

    fn back(&mut self, effects: &mut Vec<Effect>) {
        let Some(current) = self.current().map(str::to_string) else {
            return;
        };
        let refresh = self.flow.is_endpoint_flow()
            && self
                .flow
                .screen(&current)
                .is_some_and(|s| s.refresh_on_back());
        if refresh {
            self.send("BACK", current.clone(), Map::new(), Some(current), effects);
            return;
        }
        if self.stack.len() <= 1 {
            self.note(format!("back on {current}: the flow is closed"));
            self.phase = Phase::Closed("closed with Back on the first screen".into());
            return;
        }
        self.stack.pop();
        self.snackbar = None;
        let to = self.current().unwrap_or_default().to_string();
        self.note(format!("back {current} → {to}"));
        if let Some(store) = self.store_mut() {
            store.errors.clear();
        }
        self.on_render(effects);
    }
}

/// Values that count as "no value" for an input.
pub(crate) fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Where a media picker value is going.
#[derive(Clone, Copy)]
enum MediaUse {
    Complete,
    Endpoint,
}

/// Picker values are stored as local file descriptors; each destination receives them in its
/// own shape (endpoint.md §8, flow-json.md §7.2).
fn media_for(payload: Map<String, Value>, to: MediaUse) -> Map<String, Value> {
    payload
        .into_iter()
        .map(|(k, v)| {
            let converted = match (&v, to) {
                (Value::Array(files), _) if !files.is_empty() && files.iter().all(is_media) => {
                    Value::Array(files.iter().map(|f| media_shape(f, to)).collect())
                }
                _ => v,
            };
            (k, converted)
        })
        .collect()
}

/// The per-file secrets of `encryption_metadata`.
const MEDIA_KEYS: [&str; 3] = ["encryption_key", "hmac_key", "iv"];

/// Takes the per-file secrets (`encryption_key`, `hmac_key`, `iv`) out of the media items of
/// a request payload, for reports and recordings: ids, names, URLs and hashes stay. (Picker
/// values stand only at the top level of `data`.)
pub fn strip_media_keys(payload: &mut Value) {
    let Some(data) = payload.get_mut("data").and_then(Value::as_object_mut) else {
        return;
    };
    for item in data.values_mut().filter_map(Value::as_array_mut).flatten() {
        if let Some(m) = item
            .get_mut("encryption_metadata")
            .and_then(Value::as_object_mut)
        {
            for key in MEDIA_KEYS {
                m.shift_remove(key);
            }
        }
    }
}

/// Files in a completion message: at most 10, at most 100 MiB in all (endpoint.md §8.2).
const COMPLETION_MAX_FILES: usize = 10;
const COMPLETION_MAX_BYTES: u64 = 100 * 1024 * 1024;

/// Why the client would not send these media in a completion, if it would not.
fn completion_media_problem(payload: &Map<String, Value>) -> Option<String> {
    let files: Vec<&Value> = payload
        .values()
        .filter_map(Value::as_array)
        .filter(|a| a.iter().all(is_media))
        .flatten()
        .collect();
    let bytes: u64 = files
        .iter()
        .filter_map(|f| f.get("size").and_then(Value::as_u64))
        .sum();
    if files.len() > COMPLETION_MAX_FILES {
        Some(format!(
            "A response can carry at most {COMPLETION_MAX_FILES} files; this one has {}",
            files.len()
        ))
    } else if bytes > COMPLETION_MAX_BYTES {
        Some(format!(
            "Files in a response can total at most 100 MB; these total {:.1} MB",
            bytes as f64 / (1024.0 * 1024.0)
        ))
    } else {
        None
    }
}

/// A local media descriptor, as the shells build it: `{"file_name", "mime_type", "sha256",
/// "size", "media_id"}`, with `cdn_url` and `encryption_metadata` when the file is on a CDN.
fn is_media(v: &Value) -> bool {
    v.get("file_name").is_some() && v.get("media_id").is_some()
}

fn media_shape(file: &Value, to: MediaUse) -> Value {
    let get = |k: &str| file.get(k).cloned().unwrap_or(Value::Null);
    match to {
        MediaUse::Endpoint => json!({
            "media_id": get("media_id"),
            "cdn_url": get("cdn_url"),
            "file_name": get("file_name"),
            "encryption_metadata": get("encryption_metadata"),
        }),
        MediaUse::Complete => json!({
            "file_name": get("file_name"),
            "mime_type": get("mime_type"),
            "sha256": get("sha256"),
            "id": get("media_id"),
        }),
    }
}

#[cfg(test)]
mod tests;
