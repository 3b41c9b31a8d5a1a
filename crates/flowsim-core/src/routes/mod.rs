//! The whole flow at once: its screens and the routes between them, read from the same model
//! the engine runs (`flowsim graph`, the preview's map, and the coverage of `flowsim test`).
//!
//! A route is one way out of a screen, named as Flow JSON names it:
//! - `navigate`: a `navigate` action, with the components that fire it;
//! - `endpoint`: a route of the `routing_model` that no `navigate` action takes, so the
//!   endpoint's answer to a `data_exchange` takes it;
//! - `complete`: a `complete` action, or a `data_exchange` on a screen the endpoint can only
//!   close with `SUCCESS` (a terminal screen, or one the routing model gives no route out of);
//! - `open_url`: a link out of the flow (6.0+).
//!
//! Flow JSON has no sub-flows: a flow leaves only through `complete` and `open_url`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use crate::flow::json::Node;
use crate::flow::model::{Component, Flow, Screen};
use crate::flow::spec::Kind;
use crate::text::sanitize;

mod draw;
pub use draw::{Line, Mark, Marks, dot, mermaid, text};

/// The screens and routes of a flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Routes {
    pub screens: Vec<ScreenInfo>,
    pub routes: Vec<Route>,
}

/// One screen as the map shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenInfo {
    pub id: String,
    /// The `title` as written (a binding stays a binding).
    pub title: String,
    /// No route leads to it: a flow message (or the endpoint's `INIT` answer) can open it.
    pub entry: bool,
    pub terminal: bool,
}

/// Where a route goes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum To {
    Screen(String),
    /// The flow ends: the business receives the completion.
    End,
    /// A URL opened in the phone's browser.
    Url(String),
}

/// How a route is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum How {
    Navigate,
    Endpoint,
    Complete,
    OpenUrl,
}

/// One route out of a screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub from: String,
    pub to: To,
    pub how: How,
    /// The actions that take it (empty for an `endpoint` route no `data_exchange` can take).
    pub via: Vec<Trigger>,
}

/// An action object of the flow and the component that fires it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    /// The JSON path of the action object (`screens[0].layout.children[2].on-click-action`).
    pub path: String,
    /// The action's `name` (`navigate`, `data_exchange`, …).
    pub action: String,
    /// The component as a person recognises it: `Footer "Continue"`.
    pub component: String,
    /// `next.name` of a `navigate`, `url` of an `open_url`.
    pub target: Option<String>,
}

impl How {
    pub fn name(self) -> &'static str {
        match self {
            How::Navigate => "navigate",
            How::Endpoint => "endpoint",
            How::Complete => "complete",
            How::OpenUrl => "open_url",
        }
    }
}

impl To {
    /// The target as the text map and coverage name it: a screen id, `END` or the URL.
    pub fn label(&self) -> String {
        match self {
            To::Screen(id) => id.clone(),
            To::End => "END".into(),
            To::Url(url) => url.clone(),
        }
    }
}

impl Route {
    /// `FROM → TO`, as coverage names a route.
    pub fn name(&self) -> String {
        format!("{} → {}", self.from, self.to.label())
    }
}

/// Every action object of a screen with the component that fires it, in document order.
pub fn triggers(screen: &Screen) -> Vec<Trigger> {
    let mut out = Vec::new();
    for c in screen.all_components() {
        c.for_each_action(&mut |trigger, action| {
            let path = trigger.path().to_string();
            let target = action
                .get("next")
                .and_then(|n| n.get("name"))
                .or_else(|| action.get("url"))
                .and_then(Node::as_str)
                .map(str::to_string);
            out.push(Trigger {
                component: describe(c, &path),
                action: action
                    .get("name")
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .to_string(),
                path,
                target,
            });
        });
    }
    out
}

/// `Footer "Continue"`, `RadioButtonsGroup "plan" option "pro"`: what fires an action.
fn describe(c: &Component, action_path: &str) -> String {
    let kind = c.type_name().unwrap_or("component");
    let text = |key: &str| c.prop(key).map(static_text);
    let mut s = kind.to_string();
    if let Some(t) = text("label").or_else(|| text("text")) {
        let _ = write!(s, " \"{t}\"");
    } else if let Some(name) = c.name() {
        let _ = write!(s, " `{}`", sanitize(name));
    }
    // An action on one item of a data-source or list: name the item.
    for key in ["data-source", "list-items"] {
        let Some(rest) = action_path
            .strip_prefix(&format!("{}.{key}[", c.path))
            .and_then(|r| r.split(']').next())
        else {
            continue;
        };
        let item = rest
            .parse::<usize>()
            .ok()
            .and_then(|i| c.prop(key)?.items().get(i));
        let title = item.and_then(|i| {
            i.get("title")
                .or_else(|| i.get("main-content").and_then(|m| m.get("title")))
                .map(static_text)
        });
        match title {
            Some(t) => {
                let _ = write!(s, " item \"{t}\"");
            }
            None => {
                let _ = write!(s, " item {rest}");
            }
        }
    }
    s
}

/// A property as written, for labels: strings as they are, anything else as JSON, one line.
fn static_text(node: &Node) -> String {
    let text = match node.as_str() {
        Some(s) => s.to_string(),
        None => node.to_json().to_string(),
    };
    sanitize(&text.replace(['\n', '\r'], " "))
}

impl Routes {
    /// The map of a flow.
    pub fn of(flow: &Flow) -> Routes {
        let entries: BTreeSet<&str> = flow.entry_screens().iter().map(|s| s.id.as_str()).collect();
        let screens = flow
            .screens
            .iter()
            .map(|s| ScreenInfo {
                id: s.id.clone(),
                title: s.title().map(static_text).unwrap_or_default(),
                entry: entries.contains(s.id.as_str()),
                terminal: s.is_terminal(),
            })
            .collect();
        let mut routes = Builder::default();
        let mut declared_by: HashMap<&str, Vec<&str>> = HashMap::new();
        for r in flow.routing_model.iter().flat_map(|m| &m.routes) {
            declared_by
                .entry(r.from.as_str())
                .or_default()
                .extend(r.to.iter().map(|(to, _)| to.as_str()));
        }
        for screen in &flow.screens {
            let triggers = triggers(screen);
            let dynamic = dynamic_items(screen);
            let exchanges: Vec<&Trigger> = triggers
                .iter()
                .filter(|t| t.action == "data_exchange")
                .collect();
            for t in &triggers {
                match (t.action.as_str(), &t.target) {
                    ("navigate", Some(to)) => {
                        routes.add(&screen.id, To::Screen(to.clone()), How::Navigate, Some(t));
                    }
                    ("complete", _) => routes.add(&screen.id, To::End, How::Complete, Some(t)),
                    ("open_url", url) => {
                        let url = sanitize(url.as_deref().unwrap_or(""));
                        routes.add(&screen.id, To::Url(url), How::OpenUrl, Some(t));
                    }
                    _ => {}
                }
            }
            let declared: &[&str] = declared_by
                .get(screen.id.as_str())
                .map_or(&[], Vec::as_slice);
            for to in declared {
                let navigated = routes.index.contains_key(&(
                    screen.id.clone(),
                    To::Screen(to.to_string()),
                    How::Navigate,
                ));
                if navigated {
                    continue;
                }
                routes.add(&screen.id, To::Screen(to.to_string()), How::Endpoint, None);
                for t in exchanges.iter().copied().chain(&dynamic) {
                    routes.add(
                        &screen.id,
                        To::Screen(to.to_string()),
                        How::Endpoint,
                        Some(t),
                    );
                }
            }
            if flow.is_endpoint_flow()
                && !exchanges.is_empty()
                && (screen.is_terminal() || declared.is_empty())
            {
                for t in &exchanges {
                    routes.add(&screen.id, To::End, How::Complete, Some(t));
                }
            }
        }
        Routes {
            screens,
            routes: routes.routes,
        }
    }

    pub fn screen(&self, id: &str) -> Option<&ScreenInfo> {
        self.screens.iter().find(|s| s.id == id)
    }

    /// The routes out of each screen, in the order they were found.
    pub fn by_screen(&self) -> HashMap<&str, Vec<&Route>> {
        let mut out: HashMap<&str, Vec<&Route>> = HashMap::new();
        for r in &self.routes {
            out.entry(r.from.as_str()).or_default().push(r);
        }
        out
    }
}

/// NavigationList items given by a binding (`"list-items": "${data.items}"`): their
/// `on-click-action`s come with the data, so any route the routing model gives the screen may
/// be theirs.
fn dynamic_items(screen: &Screen) -> Vec<Trigger> {
    let mut out = Vec::new();
    for c in screen.all_components() {
        if c.kind == Some(Kind::NavigationList)
            && c.prop("list-items").and_then(Node::as_str).is_some()
        {
            let path = c.path.key("list-items").to_string();
            out.push(Trigger {
                component: format!("{} items from data", describe(c, &path)),
                action: "navigate".into(),
                path,
                target: None,
            });
        }
    }
    out
}

/// The routes found so far, indexed so that a flow with many actions is read in linear time.
#[derive(Default)]
struct Builder {
    routes: Vec<Route>,
    index: HashMap<(String, To, How), usize>,
    /// `(route, trigger path)` pairs already added.
    vias: HashSet<(usize, String)>,
}

impl Builder {
    /// Adds a route, or the trigger to the route already found.
    fn add(&mut self, from: &str, to: To, how: How, via: Option<&Trigger>) {
        let key = (from.to_string(), to, how);
        let at = match self.index.get(&key) {
            Some(&at) => at,
            None => {
                let at = self.routes.len();
                self.routes.push(Route {
                    from: key.0.clone(),
                    to: key.1.clone(),
                    how,
                    via: Vec::new(),
                });
                self.index.insert(key, at);
                at
            }
        };
        if let Some(t) = via
            && self.vias.insert((at, t.path.clone()))
        {
            self.routes[at].via.push(t.clone());
        }
    }
}

/// Named inputs of a screen (every branch), in document order: what coverage counts as
/// inputs to fill.
pub fn inputs(screen: &Screen) -> Vec<&str> {
    let mut seen = HashSet::new();
    let mut out: Vec<&str> = Vec::new();
    for c in screen.all_components() {
        if c.kind.is_some_and(Kind::is_input)
            && let Some(name) = c.name()
            && seen.insert(name)
        {
            out.push(name);
        }
    }
    out
}
