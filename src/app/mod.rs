//! The interactive previewer's state and logic, without a terminal: UI state (focus, scroll,
//! overlays, the side panel) around an engine [`Session`]. [`App::handle`] takes one
//! [`Event`] and returns the [`Command`]s the runtime must carry out. Drawing (`crate::ui`)
//! reads the app and never changes it; tests drive the app with synthetic events.
//!
//! Here: the app's types and its event loop ([`App::handle`], answers, reloads, engine
//! effects). By what they handle: [`input`] (its own key and mouse types), `keys` (what a
//! key or click does, by [`keymap`]), `focus`, `text` (text fields), `overlays` (list,
//! calendar, file path), `step` (step mode and the JSON editor), [`device`] (the phone's
//! settings). The app imports nothing from the widgets, the runtime or the command line.

pub mod device;
mod focus;
pub mod input;
pub mod keymap;
mod keys;
mod overlays;
mod step;
mod text;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use jiff::civil::Date;
use serde_json::{Value, json};
use tui_input::{Input as LineInput, InputRequest};

use flowsim_core::diagnostic::{Diagnostic, Severity};
use flowsim_core::drive::{self, Delivery, Exchange};
use flowsim_core::flow::model::Flow;
use flowsim_core::flow::source::Source;
use flowsim_core::flow::spec::Kind;
use flowsim_core::sim::checks::{FileRules, date_allowed, parse_date};
use flowsim_core::sim::{
    Completion, Effect, Input, Item, Phase, ReplyError, Request, ScreenView, Session, Start, Tap,
};
use flowsim_endpoint::cdn::Download;
use flowsim_webhook::deliver::Delivery as WebhookDelivery;
use input::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseKind};
use keymap::{Action, Mode};
use overlays::initial_date;
pub use text::is_text;

/// CDN requests the inspector keeps.
const MAX_DOWNLOADS: usize = 1000;

/// Something that can take the focus on a screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An input field, OptIn check box, picker or carousel, by component key.
    Field(Arc<str>),
    /// One option of a radio, checkbox or chips group.
    Option {
        key: Arc<str>,
        id: String,
    },
    /// An OptIn's "Read more" link.
    ReadMore(Arc<str>),
    Link(Arc<str>),
    ListItem {
        key: Arc<str>,
        id: String,
    },
    Footer,
}

impl Target {
    /// The key of the component it belongs to (none for the Footer, which has no key).
    pub fn key(&self) -> Option<&Arc<str>> {
        match self {
            Target::Field(key) | Target::ReadMore(key) | Target::Link(key) => Some(key),
            Target::Option { key, .. } | Target::ListItem { key, .. } => Some(key),
            Target::Footer => None,
        }
    }
}

/// Overlays drawn over the phone's body.
#[derive(Debug, Clone)]
pub enum Overlay {
    None,
    Help {
        scroll: u16,
    },
    /// The map of the flow (`flowsim graph`), the path walked so far highlighted.
    Map {
        scroll: u16,
    },
    /// A Dropdown's options, full screen as on the phone.
    List {
        key: Arc<str>,
        cursor: usize,
    },
    /// A DatePicker or CalendarPicker month grid.
    Calendar {
        key: Arc<str>,
        cursor: Date,
        start: Option<Date>,
    },
    /// A file path for a photo or document picker.
    Path {
        key: Arc<str>,
        input: LineInput,
    },
    /// The endpoint inspector: the selected exchange and the details' scroll.
    Inspector {
        selected: usize,
        scroll: u16,
    },
}

/// Step mode's hold on an exchange: requests and answers wait for the user.
pub enum Stepping {
    /// A request waiting to be sent, edited or answered by hand.
    Request(Request),
    /// An answer waiting to be applied, and its exchange in [`App::exchanges`].
    Answer {
        exchange: usize,
        answer: Result<Value, ReplyError>,
    },
    /// Editing JSON: the request's payload, or an answer typed by hand. The editor is
    /// ratatui-textarea's `TextArea`, kept here as state: its lines, cursor and undo history
    /// are what the keys change (through `textarea_input`); it does no terminal IO, and only
    /// the widgets draw it.
    Edit {
        request: Request,
        answer: bool,
        editor: Box<ratatui_textarea::TextArea<'static>>,
        error: Option<String>,
    },
}

/// A validation finding, located for display.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    /// `file:line:column`
    pub location: String,
    pub path: String,
    pub message: String,
}

impl Finding {
    pub fn from_diagnostics(source: &Source, diagnostics: &[Diagnostic]) -> Vec<Finding> {
        diagnostics
            .iter()
            .map(|d| {
                let p = source.position(d.span.start);
                Finding {
                    severity: d.severity,
                    code: d.code.as_str(),
                    location: format!("{}:{}:{}", source.name, p.line, p.column),
                    path: d.path.to_string(),
                    message: d.message.clone(),
                }
            })
            .collect()
    }
}

/// Input to the app.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    /// The flow file changed: the new flow and its findings, or the findings that keep it
    /// from loading.
    Reload(Result<(Arc<Flow>, Vec<Finding>), Vec<Finding>>),
    /// A request was carried out: its exchange for the inspector, and the answer (or failure)
    /// for the session.
    Delivered(Box<Delivery>),
    /// A file chosen in a picker, read by the runtime (and put on the local CDN while the
    /// flow runs against an endpoint), or why it was refused or could not be read.
    File {
        name: String,
        file: Result<Value, String>,
    },
    /// The local CDN answered a request (the endpoint downloading a file, or a refusal).
    Download(Download),
    /// The webhook receiver answered a completion (`--webhook`).
    Webhook(Box<WebhookDelivery>),
}

/// What the runtime must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Send a request to the endpoint (or the mock) through the driver and feed back
    /// [`Event::Delivered`].
    Request(Request),
    /// Pick a local file for a picker whose limits are `rules` and feed back
    /// [`Event::File`].
    PickFile {
        name: String,
        path: String,
        rules: FileRules,
    },
    /// The flow (re)started: files picked before are no longer served.
    NewSession,
    /// POST the completion to the webhook (`--webhook`) and feed back [`Event::Webhook`].
    Webhook(Completion),
    Quit,
}

/// Where the last frame put things, reported back by the drawing code for mouse hit-testing
/// and scrolling.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drawn {
    /// Screen rectangles `(x, y, width, height)` of focusable things.
    pub hits: Vec<((u16, u16, u16, u16), Target)>,
    /// The body's scroll offset actually used.
    pub scroll: u16,
    /// The furthest the help or the inspector's details can scroll: their last page.
    pub overlay_max: u16,
    /// Visible body rows.
    pub body_rows: u16,
    /// Total body rows.
    pub body_len: u16,
    /// Where the text cursor goes, when a text field is being edited.
    pub cursor: Option<(u16, u16)>,
}

/// The webhook completions are delivered to, as the side panel shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookStatus {
    pub url: String,
    /// Whether an app secret signs the notifications.
    pub signed: bool,
    /// A completion is on its way.
    pub sending: bool,
    /// The receiver's answer to the last completion.
    pub last: Option<WebhookDelivery>,
}

pub struct App {
    pub name: String,
    /// Read through [`App::session`]; changed only through [`App::session_mut`], which
    /// forgets the view made of it, or [`App::set`], which brings that view up to date.
    session: Session,
    /// [`App::view`], made once per state of the session: a keystroke and its frame ask for
    /// it several times.
    view: OnceLock<Arc<ScreenView>>,
    pub start: Start,
    /// Findings of the flow being shown.
    pub findings: Vec<Finding>,
    /// Findings of the last save, when it could not be loaded (the last good version stays).
    pub broken: Vec<Finding>,
    pub focus: Option<Target>,
    pub scroll: u16,
    /// Whether the body follows the focus (false after the user scrolled by hand).
    pub follow: bool,
    pub overlay: Overlay,
    pub panel: bool,
    /// The text field being edited: its key, and its text and cursor (tui-input's `Input`,
    /// plain state with no terminal IO).
    pub editor: Option<(Arc<str>, LineInput)>,
    /// A one-line message in the status bar.
    pub notice: Option<String>,
    pub carousel: BTreeMap<Arc<str>, usize>,
    /// Every endpoint exchange of the session, oldest first.
    pub exchanges: Vec<Exchange>,
    /// What the local CDN served (the latest `MAX_DOWNLOADS`), oldest first.
    pub downloads: Vec<Download>,
    /// Step mode: hold every request before it is sent and every answer before it applies.
    pub step: bool,
    /// The phone being previewed: size, font, direction, draft banner.
    pub look: device::Look,
    /// The keys in effect (the defaults, or rebound by the config file).
    pub keymap: keymap::Keymap,
    /// `--webhook`: where completions go and what the receiver answered (set by the runtime).
    pub webhook: Option<WebhookStatus>,
    pub stepping: Option<Stepping>,
    pub drawn: Drawn,
    /// The user closed the flow (`q`).
    pub quit: bool,
    /// The user asked to leave flowsim (Ctrl-C).
    pub exit: bool,
    /// Engine effects were applied during this event: at its end, check whether the focused
    /// item went away (see [`App::handle`]).
    recheck_focus: bool,
}

impl App {
    /// The app for `flow`, its session not started yet: [`App::boot`] starts it.
    pub fn new(
        name: impl Into<String>,
        flow: Arc<Flow>,
        findings: Vec<Finding>,
        start: Start,
        flow_token: &str,
    ) -> App {
        let session = Session::new(flow, flow_token);
        App {
            name: name.into(),
            session,
            view: OnceLock::new(),
            start,
            findings,
            broken: Vec::new(),
            focus: None,
            scroll: 0,
            follow: true,
            overlay: Overlay::None,
            panel: false,
            editor: None,
            notice: None,
            carousel: BTreeMap::new(),
            exchanges: Vec::new(),
            downloads: Vec::new(),
            step: false,
            look: device::Look::default(),
            keymap: keymap::Keymap::default(),
            webhook: None,
            stepping: None,
            drawn: Drawn::default(),
            quit: false,
            exit: false,
            recheck_focus: false,
        }
    }

    fn commands_from_start(&mut self) -> Vec<Command> {
        let start = self.start.clone();
        let effects = self.session_mut().update(Input::Start(start));
        self.focus = None;
        self.scroll = 0;
        self.follow = true;
        self.overlay = Overlay::None;
        self.editor = None;
        self.carousel.clear();
        let mut commands = vec![Command::NewSession];
        commands.extend(self.effects(effects));
        // The focus was cleared above: nothing to recheck.
        self.recheck_focus = false;
        self.focus = Self::first_focus(&self.view());
        commands
    }

    /// Starts the session (once, after [`App::new`]) and returns the first commands.
    pub fn boot(&mut self) -> Vec<Command> {
        self.commands_from_start()
    }

    /// The session: the engine's state of the flow being previewed.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session, to change it: the next [`App::view`] is made afresh.
    fn session_mut(&mut self) -> &mut Session {
        self.view.take();
        &mut self.session
    }

    /// The view of the current screen (see [`Session::view`]), shared until the session
    /// changes.
    pub fn view(&self) -> Arc<ScreenView> {
        Arc::clone(self.view.get_or_init(|| Arc::new(self.session.view())))
    }

    /// The mode deciding which keys apply.
    pub fn mode(&self) -> Mode {
        match self.overlay_mode() {
            Some(mode) => mode,
            None if self.focus.is_none() => Mode::Body,
            None => self.focus_mode(&self.view()),
        }
    }

    /// [`App::mode`], given the current view (saves making it again).
    pub fn mode_in(&self, view: &ScreenView) -> Mode {
        self.overlay_mode().unwrap_or_else(|| self.focus_mode(view))
    }

    /// The mode when a step box, an overlay or the end of the flow decides it.
    fn overlay_mode(&self) -> Option<Mode> {
        match &self.stepping {
            Some(Stepping::Edit { .. }) => return Some(Mode::Editor),
            Some(_) => return Some(Mode::Step),
            None => {}
        }
        match &self.overlay {
            Overlay::Help { .. } => return Some(Mode::Help),
            Overlay::Map { .. } => return Some(Mode::Map),
            Overlay::List { .. } => return Some(Mode::List),
            Overlay::Calendar { .. } => return Some(Mode::Calendar),
            Overlay::Path { .. } => return Some(Mode::Path),
            Overlay::Inspector { .. } => return Some(Mode::Inspector),
            Overlay::None => {}
        }
        if matches!(self.session.phase, Phase::Completed(_) | Phase::Closed(_)) {
            return Some(Mode::Done);
        }
        None
    }

    fn focus_mode(&self, view: &ScreenView) -> Mode {
        if self.focused_in(view).is_some_and(is_text) {
            Mode::Text
        } else {
            Mode::Body
        }
    }

    /// Handles one event.
    pub fn handle(&mut self, event: Event) -> Vec<Command> {
        let shown = self.shown();
        let commands = match event {
            Event::Key(key) => self.key(key),
            Event::Mouse(m) => self.mouse(m),
            Event::Paste(text) => {
                for c in text.chars().filter(|c| !c.is_control() || *c == '\n') {
                    self.type_char(c);
                }
                self.commit_text()
            }
            Event::Reload(result) => {
                self.reload(result);
                Vec::new()
            }
            Event::Delivered(delivery) => self.delivered(*delivery),
            Event::Webhook(d) => {
                if let Some(w) = &mut self.webhook {
                    self.notice = Some(match d.diagnosis() {
                        None => format!("webhook: the receiver answered {}", d.outcome()),
                        Some(_) => "webhook failed: see the panel".into(),
                    });
                    w.sending = false;
                    w.last = Some(*d);
                }
                Vec::new()
            }
            Event::File { name, file } => {
                let effects = self.session_mut().update(Input::Attach { name, file });
                self.effects(effects)
            }
            Event::Download(d) => {
                if self.downloads.len() >= MAX_DOWNLOADS {
                    self.downloads.remove(0);
                }
                self.downloads.push(d);
                Vec::new()
            }
        };
        // One view of the screen as the event left it serves the checks below.
        let view = self.view();
        if self.shown() != shown {
            // Another screen (or another visit of one): the focus goes where the phone puts
            // it, the first input, else the first thing that takes the focus; the body starts
            // at the top.
            self.recheck_focus = false;
            self.focus = Self::first_focus(&view);
            self.editor = None;
            self.scroll = 0;
            self.follow = true;
        }
        // After engine effects: the screen changed under the focus (its item went away), so
        // the body starts at the top again.
        if std::mem::take(&mut self.recheck_focus)
            && self.focus.is_some()
            && self.focused_in(&view).is_none()
        {
            self.scroll = 0;
            self.follow = true;
        }
        if self.quit {
            return vec![Command::Quit];
        }
        self.settle_focus_in(&view);
        commands
    }

    /// Which screen shows, and how deep in the stack: a change means a new screen.
    fn shown(&self) -> (Option<String>, usize) {
        (
            self.session.current().map(str::to_string),
            self.session.stack.len(),
        )
    }

    /// A request came back: list the exchange, then hand the answer to the session (or hold
    /// it in step mode).
    fn delivered(&mut self, delivery: Delivery) -> Vec<Command> {
        let Delivery { exchange, answer } = delivery;
        if !exchange.differences.is_empty() {
            self.notice = Some(format!(
                "replay: answered with the recording of a different request ({})",
                exchange.differences.join("; ")
            ));
        }
        self.exchanges.push(exchange);
        let index = self.exchanges.len() - 1;
        match answer {
            None => Vec::new(),
            Some(answer) if self.step => {
                self.stepping = Some(Stepping::Answer {
                    exchange: index,
                    answer,
                });
                Vec::new()
            }
            Some(answer) => self.receive(index, answer),
        }
    }

    /// Applies an answer through the driver, which notes on its exchange what the client
    /// found in it.
    fn receive(&mut self, exchange: usize, answer: Result<Value, ReplyError>) -> Vec<Command> {
        self.view.take();
        let effects = match self.exchanges.get_mut(exchange) {
            Some(x) => drive::receive(&mut self.session, x, answer),
            None => self.session.update(Input::Answer(answer)),
        };
        self.effects(effects)
    }

    /// A new version of the flow file. A save that does not parse, or that brings errors
    /// into a flow that had none, is refused: its findings are shown over the last good
    /// version, which stays usable.
    fn reload(&mut self, result: Result<(Arc<Flow>, Vec<Finding>), Vec<Finding>>) {
        let has_errors = |f: &[Finding]| f.iter().any(|f| f.severity == Severity::Error);
        let result = match result {
            Ok((_, findings)) if has_errors(&findings) && !has_errors(&self.findings) => {
                Err(findings)
            }
            other => other,
        };
        match result {
            Ok((flow, findings)) => {
                *self.session_mut() = self.session.rebase(flow);
                self.findings = findings;
                self.broken.clear();
                self.notice = Some("reloaded".into());
                // Keep typing where it was: the editor's text is already in the session.
                if let Some((key, _)) = &self.editor
                    && !self.view().items.iter().any(|i| &i.key == key)
                {
                    self.editor = None;
                }
            }
            Err(findings) => {
                self.notice =
                    Some("the saved file has errors; showing the last good version".into());
                self.broken = findings
                    .into_iter()
                    .filter(|f| f.severity == Severity::Error)
                    .collect();
            }
        }
    }

    /// Runs engine effects: requests go to the runtime; completion and URLs are noted.
    fn effects(&mut self, effects: Vec<Effect>) -> Vec<Command> {
        let mut commands = Vec::new();
        for effect in effects {
            match effect {
                Effect::Request(r) if self.step && !r.notification => {
                    self.stepping = Some(Stepping::Request(r));
                }
                Effect::Request(r) => commands.push(Command::Request(r)),
                Effect::OpenUrl(url) => {
                    self.notice = Some(format!(
                        "the flow opens {url} (flowsim does not open links)"
                    ));
                }
                Effect::Complete(c) => {
                    self.scroll = 0;
                    self.panel = true;
                    if let Some(w) = &mut self.webhook {
                        w.sending = true;
                        commands.push(Command::Webhook(c));
                    }
                }
            }
        }
        self.recheck_focus = true;
        commands
    }

    /// Sets an input. When that changes only the input (typing into a field), the view made
    /// before is patched rather than made again ([`Session::patch_view`]); that needs the
    /// only handle on it, so callers hold none.
    fn set(&mut self, name: &str, value: Value) -> Vec<Command> {
        let before = self.view.take();
        let effects = self.session.update(Input::Set {
            name: name.into(),
            value,
        });
        if let Some(mut view) = before
            && Arc::get_mut(&mut view).is_some_and(|v| self.session.patch_view(v, name))
        {
            self.view = OnceLock::from(view);
        }
        self.effects(effects)
    }

    fn tap(&mut self, tap: Tap) -> Vec<Command> {
        self.editor = None;
        let before = self.shown();
        let effects = self.session_mut().update(Input::Tap(tap));
        let commands = self.effects(effects);
        // A new screen gets its focus in `handle`; here only what did not happen is said.
        if self.shown() == before
            && let Some(e) = self.session.events.last()
            && e.message.starts_with("ignored") | e.message.starts_with("not submitted")
        {
            self.notice = Some(e.message.clone());
        }
        commands
    }

    fn activate(&mut self) -> Vec<Command> {
        let Some(focus) = self.focus.clone() else {
            return Vec::new();
        };
        match focus {
            Target::Footer => self.tap(Tap::Footer),
            Target::Link(key) => self.tap(Tap::Link(key)),
            Target::ReadMore(key) => {
                let name = self.item(&key).and_then(|i| i.name).unwrap_or_default();
                self.tap(Tap::ReadMore(name))
            }
            Target::ListItem { key, id } => {
                let name = self.item(&key).and_then(|i| i.name).unwrap_or_default();
                self.tap(Tap::ListItem { name, id })
            }
            Target::Option { .. } => self.toggle(),
            Target::Field(key) => {
                let Some(item) = self.item(&key) else {
                    return Vec::new();
                };
                match item.kind {
                    Kind::Dropdown => {
                        let selected = item.selected();
                        let cursor = item
                            .list("data-source")
                            .iter()
                            .position(|o| {
                                o.get("id").map(flowsim_core::flow::expr::display).as_ref()
                                    == selected.first()
                            })
                            .unwrap_or(0);
                        self.overlay = Overlay::List { key, cursor };
                        Vec::new()
                    }
                    Kind::DatePicker | Kind::CalendarPicker => {
                        self.overlay = Overlay::Calendar {
                            cursor: initial_date(&item),
                            key,
                            start: None,
                        };
                        Vec::new()
                    }
                    Kind::PhotoPicker | Kind::DocumentPicker => {
                        self.overlay = Overlay::Path {
                            key,
                            input: LineInput::default(),
                        };
                        Vec::new()
                    }
                    Kind::OptIn | Kind::ImageCarousel => self.toggle(),
                    _ => {
                        self.move_focus(1);
                        Vec::new()
                    }
                }
            }
        }
    }

    fn item(&self, key: &str) -> Option<Item> {
        self.view().items.iter().find(|i| *i.key == *key).cloned()
    }

    fn toggle(&mut self) -> Vec<Command> {
        let Some(focus) = self.focus.clone() else {
            return Vec::new();
        };
        match focus {
            Target::Option { key, id } => {
                let Some(item) = self.item(&key) else {
                    return Vec::new();
                };
                let name = item.name.clone().unwrap_or_default();
                let mut selected = item.selected();
                let value = match item.kind {
                    Kind::RadioButtonsGroup => json!(id),
                    _ => {
                        if let Some(pos) = selected.iter().position(|s| *s == id) {
                            selected.remove(pos);
                        } else {
                            let max = item.int("max-selected-items");
                            if max.is_some_and(|m| selected.len() as i64 >= m) {
                                self.notice = Some(format!(
                                    "at most {} can be selected",
                                    max.unwrap_or_default()
                                ));
                                return Vec::new();
                            }
                            selected.push(id);
                        }
                        json!(selected)
                    }
                };
                self.set(&name, value)
            }
            Target::Field(key) => {
                let Some(item) = self.item(&key) else {
                    return Vec::new();
                };
                match item.kind {
                    Kind::OptIn => {
                        let on = item.value == Some(Value::Bool(true));
                        let name = item.name.clone().unwrap_or_default();
                        self.set(&name, Value::Bool(!on))
                    }
                    Kind::ImageCarousel => {
                        let n = item.list("images").len().max(1);
                        let i = self.carousel.entry(key).or_insert(0);
                        *i = (*i + 1) % n;
                        Vec::new()
                    }
                    _ => self.activate(),
                }
            }
            _ => self.activate(),
        }
    }

    fn remove_file(&mut self) -> Vec<Command> {
        let Some(item) = self.focused_item().filter(|i| i.kind.is_picker()) else {
            return Vec::new();
        };
        let mut files = item
            .value
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default();
        files.pop();
        let name = item.name.unwrap_or_default();
        self.set(&name, Value::Array(files))
    }
}
