//! The interactive previewer's state and logic, without a terminal: UI state (focus, scroll,
//! overlays, the side panel) around an engine [`Session`]. [`App::handle`] takes one
//! [`Event`] and returns the [`Command`]s the runtime must carry out. Drawing (`crate::ui`)
//! reads the app and never changes it; tests drive the app with synthetic events.

pub mod keymap;

use std::collections::BTreeMap;
use std::sync::Arc;

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use jiff::civil::Date;
use serde_json::{Value, json};
use tui_input::{Input as LineInput, InputRequest};

use crate::ui::theme::Theme;
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
use keymap::{Action, Mode};

/// CDN requests the inspector keeps.
const MAX_DOWNLOADS: usize = 1000;

/// Something that can take the focus on a screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An input field, OptIn check box, picker or carousel, by component key.
    Field(String),
    /// One option of a radio, checkbox or chips group.
    Option {
        key: String,
        id: String,
    },
    /// An OptIn's "Read more" link.
    ReadMore(String),
    Link(String),
    ListItem {
        key: String,
        id: String,
    },
    Footer,
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
        key: String,
        cursor: usize,
    },
    /// A DatePicker or CalendarPicker month grid.
    Calendar {
        key: String,
        cursor: Date,
        start: Option<Date>,
    },
    /// A file path for a photo or document picker.
    Path {
        key: String,
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
    /// Editing JSON: the request's payload, or an answer typed by hand.
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
                    code: d.code,
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
    pub session: Session,
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
    /// The text field being edited: its key and cursor state.
    pub editor: Option<(String, LineInput)>,
    /// A one-line message in the status bar.
    pub notice: Option<String>,
    pub theme: Theme,
    pub carousel: BTreeMap<String, usize>,
    /// Every endpoint exchange of the session, oldest first.
    pub exchanges: Vec<Exchange>,
    /// What the local CDN served (the latest [`MAX_DOWNLOADS`]), oldest first.
    pub downloads: Vec<Download>,
    /// Step mode: hold every request before it is sent and every answer before it applies.
    pub step: bool,
    /// Real pictures through the terminal's graphics protocol (set by the runtime).
    pub graphics: Option<crate::ui::image::Graphics>,
    /// The phone being previewed: size, font, direction, draft banner.
    pub look: crate::ui::device::Look,
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
    pub fn new(
        name: impl Into<String>,
        flow: Arc<Flow>,
        findings: Vec<Finding>,
        start: Start,
        flow_token: &str,
        theme: Theme,
    ) -> App {
        let session = Session::new(flow, flow_token);
        let mut app = App {
            name: name.into(),
            session,
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
            theme,
            carousel: BTreeMap::new(),
            exchanges: Vec::new(),
            downloads: Vec::new(),
            step: false,
            graphics: None,
            look: crate::ui::device::Look::default(),
            keymap: keymap::Keymap::default(),
            webhook: None,
            stepping: None,
            drawn: Drawn::default(),
            quit: false,
            exit: false,
            recheck_focus: false,
        };
        app.commands_from_start();
        app
    }

    fn commands_from_start(&mut self) -> Vec<Command> {
        let effects = self.session.update(Input::Start(self.start.clone()));
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

    /// Starts the session (call once after [`App::new`]) and returns the first commands.
    pub fn boot(&mut self) -> Vec<Command> {
        self.commands_from_start()
    }

    pub fn view(&self) -> ScreenView {
        self.session.view()
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

    /// The focusable things of the current screen, top to bottom.
    pub fn targets(view: &ScreenView) -> Vec<Target> {
        let mut out = Vec::new();
        for item in &view.items {
            let key = item.key.clone();
            match item.kind {
                Kind::RadioButtonsGroup | Kind::CheckboxGroup | Kind::ChipsSelector
                    if item.enabled =>
                {
                    for option in item.list("data-source") {
                        if option.get("enabled") != Some(&Value::Bool(false))
                            && let Some(id) =
                                option.get("id").map(flowsim_core::flow::expr::display)
                        {
                            out.push(Target::Option {
                                key: key.clone(),
                                id,
                            });
                        }
                    }
                }
                Kind::OptIn => {
                    out.push(Target::Field(key.clone()));
                    if item.actions.contains_key("on-click-action") {
                        out.push(Target::ReadMore(key));
                    }
                }
                Kind::EmbeddedLink => out.push(Target::Link(key)),
                Kind::NavigationList => {
                    for li in item.list("list-items").into_iter().take(20) {
                        if let Some(id) = li.get("id").map(flowsim_core::flow::expr::display) {
                            out.push(Target::ListItem {
                                key: key.clone(),
                                id,
                            });
                        }
                    }
                }
                Kind::ImageCarousel => out.push(Target::Field(key)),
                k if k.is_input() && item.enabled => out.push(Target::Field(key)),
                _ => {}
            }
        }
        if view.footer.is_some() {
            out.push(Target::Footer);
        }
        out
    }

    fn target_key(t: &Target) -> Option<&str> {
        match t {
            Target::Field(k) | Target::ReadMore(k) | Target::Link(k) => Some(k),
            Target::Option { key, .. } | Target::ListItem { key, .. } => Some(key),
            Target::Footer => None,
        }
    }

    /// The view item the focus is on.
    pub fn focused_item(&self) -> Option<Item> {
        self.focus.as_ref()?;
        self.focused_in(&self.view()).cloned()
    }

    /// The item of `view` (the current view) the focus is on.
    fn focused_in<'v>(&self, view: &'v ScreenView) -> Option<&'v Item> {
        match self.focus.as_ref()? {
            Target::Footer => view.footer.as_ref(),
            t => {
                let key = Self::target_key(t)?;
                view.items.iter().find(|i| i.key == key)
            }
        }
    }

    /// Keeps the focus on something that exists: the same target if it is still there, else
    /// where the phone puts it on a new screen.
    fn settle_focus_in(&mut self, view: &ScreenView) {
        if let Some(f) = &self.focus
            && Self::targets(view).contains(f)
        {
            return;
        }
        self.focus = Self::first_focus(view);
        self.editor = None;
        self.follow = true;
    }

    fn move_focus(&mut self, delta: isize) {
        let targets = Self::targets(&self.view());
        if targets.is_empty() {
            return;
        }
        let at = self
            .focus
            .as_ref()
            .and_then(|f| targets.iter().position(|t| t == f));
        let next = match at {
            None => 0,
            Some(i) => (i as isize + delta).clamp(0, targets.len() as isize - 1) as usize,
        };
        self.focus = Some(targets[next].clone());
        self.editor = None;
        self.follow = true;
    }

    /// Handles one event.
    pub fn handle(&mut self, event: Event) -> Vec<Command> {
        let shown = self.shown();
        let commands = match event {
            Event::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
            Event::Key(key) => self.key(key),
            Event::Mouse(m) => self.mouse(m),
            Event::Paste(text) => {
                // Typing changes only the editor, not the session: one view serves it all.
                let view = self.view();
                for c in text.chars().filter(|c| !c.is_control() || *c == '\n') {
                    self.type_char(c, &view);
                }
                self.commit_text(&view)
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
                let effects = self.session.update(Input::Attach { name, file });
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

    /// Where the phone puts the focus on a new screen: the first input, else the first thing
    /// that takes the focus.
    fn first_focus(view: &ScreenView) -> Option<Target> {
        let targets = Self::targets(view);
        let is_input = |t: &Target| match t {
            Target::Field(key) | Target::Option { key, .. } => view
                .items
                .iter()
                .any(|i| i.key == *key && i.kind.is_input()),
            _ => false,
        };
        targets
            .iter()
            .find(|t| is_input(t))
            .or(targets.first())
            .cloned()
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
                self.session = self.session.rebase(flow);
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

    fn key(&mut self, key: KeyEvent) -> Vec<Command> {
        let view = self.view();
        let mode = self.mode_in(&view);
        self.notice = None;
        if mode == Mode::Editor && self.keymap.lookup(&key, mode).is_none() {
            if let Some(Stepping::Edit { editor, .. }) = &mut self.stepping {
                editor.input(key);
            }
            return Vec::new();
        }
        if mode == Mode::Text
            && key.code == KeyCode::Enter
            && self
                .focused_in(&view)
                .is_some_and(|i| i.kind == Kind::TextArea)
        {
            self.type_char('\n', &view);
            return self.commit_text(&view);
        }
        match self.keymap.lookup(&key, mode) {
            Some(action) => self.action(action, mode),
            None => {
                let plain = !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                match key.code {
                    KeyCode::Char(c) if plain && mode == Mode::Text => {
                        self.type_char(c, &view);
                        self.commit_text(&view)
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
                let effects = self.session.update(Input::Back);
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
                let view = self.view();
                self.edit(action, &view);
                self.commit_text(&view)
            }
            _ => Vec::new(),
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

    fn set(&mut self, name: &str, value: Value) -> Vec<Command> {
        let effects = self.session.update(Input::Set {
            name: name.into(),
            value,
        });
        self.effects(effects)
    }

    fn tap(&mut self, tap: Tap) -> Vec<Command> {
        self.editor = None;
        let before = self.shown();
        let effects = self.session.update(Input::Tap(tap));
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
        self.view().items.into_iter().find(|i| i.key == key)
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

    // --- text fields ---------------------------------------------------------------

    // The editing functions take the current view: editing changes only `self.editor`, so
    // one view serves a whole keystroke or paste.

    fn editor(&mut self, view: &ScreenView) -> Option<&mut LineInput> {
        let item = self.focused_in(view).filter(|i| is_text(i))?;
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

    fn type_char(&mut self, c: char, view: &ScreenView) {
        if let Some(input) = self.editor(view) {
            input.handle(InputRequest::InsertChar(c));
        }
    }

    fn edit(&mut self, action: Action, view: &ScreenView) {
        let request = match action {
            Action::Left => InputRequest::GoToPrevChar,
            Action::Right => InputRequest::GoToNextChar,
            Action::Home => InputRequest::GoToStart,
            Action::End => InputRequest::GoToEnd,
            Action::Backspace => InputRequest::DeletePrevChar,
            Action::Delete => InputRequest::DeleteNextChar,
            _ => return,
        };
        if let Some(input) = self.editor(view) {
            input.handle(request);
        }
    }

    /// Hands the edited text to the engine.
    fn commit_text(&mut self, view: &ScreenView) -> Vec<Command> {
        let Some(item) = self.focused_in(view).filter(|i| is_text(i)) else {
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
        self.set(&name, Value::String(text))
    }

    // --- overlays -------------------------------------------------------------------

    fn list_action(&mut self, action: Action) -> Vec<Command> {
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
    fn list_jump(&mut self, c: char) {
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

    fn calendar_action(&mut self, action: Action) -> Vec<Command> {
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

    fn path_action(&mut self, action: Action) -> Vec<Command> {
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
        let request = match action {
            Action::Left => InputRequest::GoToPrevChar,
            Action::Right => InputRequest::GoToNextChar,
            Action::Home => InputRequest::GoToStart,
            Action::End => InputRequest::GoToEnd,
            Action::Backspace => InputRequest::DeletePrevChar,
            Action::Delete => InputRequest::DeleteNextChar,
            _ => return Vec::new(),
        };
        input.handle(request);
        self.overlay = Overlay::Path { key, input };
        Vec::new()
    }

    // --- step mode ------------------------------------------------------------------

    fn step_action(&mut self, action: Action) -> Vec<Command> {
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
                let effects = self.session.update(Input::Answer(Err(
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

    fn editor_action(&mut self, action: Action) -> Vec<Command> {
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

    // --- mouse ----------------------------------------------------------------------

    fn mouse(&mut self, m: MouseEvent) -> Vec<Command> {
        match m.kind {
            MouseEventKind::ScrollUp => {
                self.scroll = self.drawn.scroll.saturating_sub(3);
                self.follow = false;
                Vec::new()
            }
            MouseEventKind::ScrollDown => {
                let last = self.drawn.body_len.saturating_sub(self.drawn.body_rows);
                self.scroll = self.drawn.scroll.saturating_add(3).min(last);
                self.follow = false;
                Vec::new()
            }
            MouseEventKind::Down(MouseButton::Left) if matches!(self.overlay, Overlay::None) => {
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

/// A JSON editor holding `text`.
fn editor(text: &str) -> ratatui_textarea::TextArea<'static> {
    let mut editor = ratatui_textarea::TextArea::new(text.lines().map(str::to_string).collect());
    editor.set_cursor_line_style(ratatui::style::Style::new());
    editor
}

/// Text fields take typing directly when focused.
pub fn is_text(item: &Item) -> bool {
    matches!(item.kind, Kind::TextInput | Kind::TextArea) && item.enabled
}

/// Where a date picker opens: the value, else today clamped into min/max, else min-date.
fn initial_date(item: &Item) -> Date {
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
