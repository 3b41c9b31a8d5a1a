//! The Flow JSON document as a typed tree that keeps every source span.
//!
//! The model is built leniently from any JSON object: whatever is missing or of the wrong
//! type is left out here and reported by the validator, so that a half-edited flow can still
//! be previewed as far as it makes sense. Nodes are moved, not copied, out of the parsed
//! tree: a member that the model interprets (a screen's `layout`, a Form's `children`) is
//! taken out of its parent's member list, and everything else stays there for the
//! validator's schema checks.

use std::sync::{Arc, OnceLock};

use super::json::{Member, Node, Span, Value};
use super::path::Path;
use super::spec::Kind;
use super::version::{self, Version};

#[derive(Debug, Clone)]
pub struct Flow {
    /// Root members other than `screens`.
    pub members: Vec<Member>,
    /// The declared version, when it is a well-formed version string.
    pub declared_version: Option<Version>,
    /// The version the flow is checked and run as: the declared one, or the newest known
    /// version for an unknown newer one (or a missing one).
    pub version: Version,
    pub data_api_version: Option<String>,
    pub routing_model: Option<RoutingModel>,
    pub screens: Vec<Screen>,
    /// Span of the `screens` array (or of the whole document when it is missing).
    pub screens_span: Span,
    pub span: Span,
    /// [`Flow::edges`], found on first use: the progress bar of every frame asks for them.
    /// (A flow is not changed once built; a changed copy is a new flow to the app.)
    edges: OnceLock<Vec<(String, String)>>,
}

#[derive(Debug, Clone)]
pub struct RoutingModel {
    pub span: Span,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub from: String,
    pub from_span: Span,
    pub to: Vec<(String, Span)>,
}

#[derive(Debug, Clone)]
pub struct Screen {
    pub index: usize,
    pub path: Path,
    pub span: Span,
    pub id: String,
    pub id_span: Span,
    /// Members other than `layout` (and `layout` itself when it is not an object).
    pub members: Vec<Member>,
    pub layout: Option<Layout>,
    pub data: DataModel,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub span: Span,
    pub path: Path,
    /// Members other than `children`.
    pub members: Vec<Member>,
    pub children: Vec<Component>,
    pub children_span: Option<Span>,
}

/// One component object.
#[derive(Debug, Clone)]
pub struct Component {
    /// `None` when `type` is missing or not a known component.
    pub kind: Option<Kind>,
    pub path: Path,
    pub span: Span,
    /// Members other than the component lists moved into `children`.
    pub props: Vec<Member>,
    pub children: Children,
    /// Keys of the members moved into `children`, with their spans.
    pub moved: Vec<(&'static str, Span)>,
    /// [`Component::key`], written out the first time a view shows the component.
    key: OnceLock<Arc<str>>,
}

/// Components nested in a container.
#[derive(Debug, Clone, Default)]
pub enum Children {
    #[default]
    None,
    /// `Form.children`
    List(Vec<Component>),
    /// `If.then` / `If.else`
    Branches {
        then: Vec<Component>,
        otherwise: Option<Vec<Component>>,
    },
    /// `Switch.cases`
    Cases(Vec<Case>),
}

#[derive(Debug, Clone)]
pub struct Case {
    pub key: String,
    pub key_span: Span,
    pub path: Path,
    pub children: Vec<Component>,
}

/// A screen's data model (flow-json.md §2.2).
#[derive(Debug, Clone, Default)]
pub struct DataModel {
    pub fields: Vec<DataField>,
}

#[derive(Debug, Clone)]
pub struct DataField {
    pub name: String,
    pub key_span: Span,
    pub span: Span,
    pub schema: Schema,
    pub example: Option<serde_json::Value>,
}

/// The declared type of a data field or of one of its members.
#[derive(Debug, Clone, PartialEq)]
pub enum Schema {
    String,
    Number,
    Integer,
    Boolean,
    Object(Vec<(String, Schema)>),
    Array(Box<Schema>),
    /// No usable type (reported by the validator).
    Unknown,
}

impl Flow {
    /// Builds the model from a parsed document. Never fails: see the module docs.
    pub fn from_node(root: Node) -> Flow {
        let span = root.span();
        let mut members = match root.value {
            Value::Object(members) => members.into_vec(),
            _ => Vec::new(),
        };
        let declared_version = members
            .iter()
            .find(|m| m.key == "version")
            .and_then(|m| m.value.as_str())
            .and_then(Version::parse);
        // Unknown versions (older or newer) are checked and run as the newest one, so a typo
        // in `version` gives one finding, not one per property.
        let version = match declared_version {
            Some(v) if v.is_known() => v,
            _ => version::NEWEST,
        };
        let data_api_version = members
            .iter()
            .find(|m| m.key == "data_api_version")
            .and_then(|m| m.value.as_str())
            .map(str::to_string);
        let routing_model = members
            .iter()
            .find(|m| m.key == "routing_model")
            .map(|m| RoutingModel::from_node(&m.value));

        let mut screens = Vec::new();
        let mut screens_span = span.clone();
        if let Some(pos) = members
            .iter()
            .position(|m| m.key == "screens" && m.value.is_array())
        {
            let member = members.remove(pos);
            screens_span = member.value.span();
            let path = Path::root().key("screens");
            if let Value::Array(items) = member.value.value {
                screens = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, node)| Screen::from_node(i, path.index(i), node))
                    .collect();
            }
        }
        Flow {
            members,
            declared_version,
            version,
            data_api_version,
            routing_model,
            screens,
            screens_span,
            span,
            edges: OnceLock::new(),
        }
    }

    pub fn member(&self, key: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.key == key)
    }

    pub fn screen(&self, id: &str) -> Option<&Screen> {
        self.screens.iter().find(|s| s.id == id)
    }

    pub fn is_endpoint_flow(&self) -> bool {
        self.member("data_api_version").is_some()
    }

    /// Forward edges between screens: the routing model when there is one, else the
    /// edges derived from `navigate` actions (flow-json.md §5.1).
    pub fn edges(&self) -> &[(String, String)] {
        self.edges.get_or_init(|| match &self.routing_model {
            Some(model) => model
                .routes
                .iter()
                .flat_map(|r| r.to.iter().map(|(to, _)| (r.from.clone(), to.clone())))
                .collect(),
            None => self.navigate_edges(),
        })
    }

    /// `(from, to)` for every `navigate` action in the flow.
    pub fn navigate_edges(&self) -> Vec<(String, String)> {
        let mut edges = Vec::new();
        for screen in &self.screens {
            screen.for_each_action(&mut |action: &Node| {
                if action.get("name").and_then(Node::as_str) == Some("navigate")
                    && let Some(to) = action
                        .get("next")
                        .and_then(|n| n.get("name"))
                        .and_then(Node::as_str)
                {
                    let edge = (screen.id.clone(), to.to_string());
                    if !edges.contains(&edge) {
                        edges.push(edge);
                    }
                }
            });
        }
        edges
    }

    /// Screens with no inbound edge, in document order: where a flow may start.
    pub fn entry_screens(&self) -> Vec<&Screen> {
        let edges = self.edges();
        self.screens
            .iter()
            .filter(|s| !edges.iter().any(|(from, to)| to == &s.id && from != &s.id))
            .collect()
    }
}

impl RoutingModel {
    fn from_node(node: &Node) -> RoutingModel {
        let routes = node
            .members()
            .iter()
            .map(|m| Route {
                from: m.key.to_string(),
                from_span: m.key_span(),
                to: m
                    .value
                    .items()
                    .iter()
                    .filter_map(|n| n.as_str().map(|s| (s.to_string(), n.span())))
                    .collect(),
            })
            .collect();
        RoutingModel {
            span: node.span(),
            routes,
        }
    }
}

impl Screen {
    fn from_node(index: usize, path: Path, node: Node) -> Screen {
        let span = node.span();
        let mut members = match node.value {
            Value::Object(members) => members.into_vec(),
            _ => Vec::new(),
        };
        let (id, id_span) = members
            .iter()
            .find(|m| m.key == "id")
            .and_then(|m| m.value.as_str().map(|s| (s.to_string(), m.value.span())))
            .unwrap_or_else(|| (String::new(), span.start..span.start));
        let data = members
            .iter()
            .find(|m| m.key == "data")
            .map(|m| DataModel::from_node(&m.value))
            .unwrap_or_default();
        let layout = members
            .iter()
            .position(|m| m.key == "layout" && m.value.is_object())
            .map(|pos| Layout::from_node(path.key("layout"), members.remove(pos).value));
        Screen {
            index,
            path,
            span,
            id,
            id_span,
            members,
            layout,
            data,
        }
    }

    pub fn member(&self, key: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    pub fn title(&self) -> Option<&Node> {
        self.get("title")
    }

    pub fn is_terminal(&self) -> bool {
        self.get("terminal").and_then(Node::as_bool) == Some(true)
    }

    pub fn refresh_on_back(&self) -> bool {
        self.get("refresh_on_back").and_then(Node::as_bool) == Some(true)
    }

    /// The names listed in `sensitive`.
    pub fn sensitive(&self) -> Vec<&str> {
        self.get("sensitive")
            .map(|n| n.items().iter().filter_map(Node::as_str).collect())
            .unwrap_or_default()
    }

    /// The top-level components of the layout.
    pub fn children(&self) -> &[Component] {
        self.layout.as_ref().map_or(&[], |l| &l.children)
    }

    /// Every component of the screen, depth first, including all branches.
    pub fn all_components(&self) -> Vec<&Component> {
        let mut out = Vec::new();
        for c in self.children() {
            c.walk(&mut |c| out.push(c));
        }
        out
    }

    /// Calls `f` on every action object of the screen (including data-source items).
    pub fn for_each_action(&self, f: &mut dyn FnMut(&Node)) {
        for c in self.children() {
            c.walk(&mut |c| c.for_each_action(&mut |_, action| f(action)));
        }
    }
}

impl Layout {
    fn from_node(path: Path, node: Node) -> Layout {
        let span = node.span();
        let mut members = match node.value {
            Value::Object(members) => members.into_vec(),
            _ => Vec::new(),
        };
        let mut children = Vec::new();
        let mut children_span = None;
        if let Some(pos) = members
            .iter()
            .position(|m| m.key == "children" && m.value.is_array())
        {
            let member = members.remove(pos);
            children_span = Some(member.value.span());
            children = components(path.key("children"), member.value);
        }
        Layout {
            span,
            path,
            members,
            children,
            children_span,
        }
    }
}

/// Builds the components of an array node.
fn components(path: Path, node: Node) -> Vec<Component> {
    match node.value {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, n)| Component::from_node(path.index(i), n))
            .collect(),
        _ => Vec::new(),
    }
}

impl Component {
    fn from_node(path: Path, node: Node) -> Component {
        let span = node.span();
        let mut props = match node.value {
            Value::Object(members) => members.into_vec(),
            _ => Vec::new(),
        };
        let kind = props
            .iter()
            .find(|m| m.key == "type")
            .and_then(|m| m.value.as_str())
            .and_then(Kind::parse);
        let mut moved = Vec::new();
        let mut take_list = |key: &'static str| -> Option<Vec<Component>> {
            let pos = props
                .iter()
                .position(|m| m.key == key && m.value.is_array())?;
            let member = props.remove(pos);
            moved.push((key, member.key_span()));
            Some(components(path.key(key), member.value))
        };
        let children = match kind {
            Some(Kind::Form) => take_list("children").map_or(Children::None, Children::List),
            Some(Kind::If) => match take_list("then") {
                Some(then) => Children::Branches {
                    then,
                    otherwise: take_list("else"),
                },
                None => Children::None,
            },
            Some(Kind::Switch) => {
                match props
                    .iter()
                    .position(|m| m.key == "cases" && m.value.is_object())
                {
                    Some(pos) => {
                        let cases_path = path.key("cases");
                        let member = props.remove(pos);
                        moved.push(("cases", member.key_span()));
                        let Value::Object(cases) = member.value.value else {
                            unreachable!("checked is_object above")
                        };
                        Children::Cases(
                            cases
                                .into_iter()
                                .map(|m| Case {
                                    // Before the fields below are moved out of `m`.
                                    key_span: m.key_span(),
                                    path: cases_path.key(&m.key),
                                    children: components(cases_path.key(&m.key), m.value),
                                    key: m.key.into_string(),
                                })
                                .collect(),
                        )
                    }
                    None => Children::None,
                }
            }
            _ => Children::None,
        };
        Component {
            kind,
            path,
            span,
            props,
            children,
            moved,
            key: OnceLock::new(),
        }
    }

    /// The component's path as text (`screens[0].layout.children[2]`): its identity in a
    /// screen's view, for focus and hit-testing. Shared, not copied, by every view.
    pub fn key(&self) -> Arc<str> {
        Arc::clone(self.key.get_or_init(|| self.path.to_string().into()))
    }

    pub fn member(&self, key: &str) -> Option<&Member> {
        self.props.iter().find(|m| m.key == key)
    }

    /// The `type` as written, when it is a string (a known component or not).
    pub fn type_name(&self) -> Option<&str> {
        self.member("type").and_then(|m| m.value.as_str())
    }

    /// Where to point at the component as a whole: its `"type"` value (or the object).
    pub fn anchor(&self) -> Span {
        self.member("type")
            .map_or(self.span.start..self.span.start + 1, |m| m.value.span())
    }

    /// Whether the component has member `key`, including the lists moved into `children`.
    pub fn has_member(&self, key: &str) -> bool {
        self.key_span(key).is_some()
    }

    /// The span of member `key`'s key, including the lists moved into `children`.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.member(key).map(|m| m.key_span()).or_else(|| {
            self.moved
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, s)| s.clone())
        })
    }

    /// The value of property `key`.
    pub fn prop(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    /// The input name (`name` property) of an input component.
    pub fn name(&self) -> Option<&str> {
        self.prop("name").and_then(Node::as_str)
    }

    /// Direct child lists (one per branch or case).
    pub fn child_lists(&self) -> Vec<&[Component]> {
        match &self.children {
            Children::None => Vec::new(),
            Children::List(list) => vec![list],
            Children::Branches { then, otherwise } => {
                let mut v: Vec<&[Component]> = vec![then];
                if let Some(o) = otherwise {
                    v.push(o);
                }
                v
            }
            Children::Cases(cases) => cases.iter().map(|c| c.children.as_slice()).collect(),
        }
    }

    /// Calls `f` on this component and every nested one, depth first.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Component)) {
        f(self);
        for list in self.child_lists() {
            for c in list {
                c.walk(f);
            }
        }
    }

    /// Calls `f(trigger, action)` on every action object of this component itself (not of
    /// nested components), including actions on data-source and list items.
    pub fn for_each_action<'a>(&'a self, f: &mut dyn FnMut(Trigger<'a>, &'a Node)) {
        for m in &self.props {
            if m.key.starts_with("on-") && m.value.is_object() {
                f(
                    Trigger {
                        component: &self.path,
                        key: &m.key,
                        item: None,
                    },
                    &m.value,
                );
            }
            if matches!(m.key.as_str(), "data-source" | "list-items") {
                for (i, item) in m.value.items().iter().enumerate() {
                    for im in item.members() {
                        if im.key.starts_with("on-") && im.value.is_object() {
                            f(
                                Trigger {
                                    component: &self.path,
                                    key: &m.key,
                                    item: Some((i, &im.key)),
                                },
                                &im.value,
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Where an action stands: a component's `on-…` property, or one of an item's. Its
/// [`Trigger::path`] is made only when asked for.
#[derive(Debug, Clone, Copy)]
pub struct Trigger<'a> {
    component: &'a Path,
    /// The component's property: `on-click-action`, or `data-source` for an item's action.
    key: &'a str,
    /// The item's index and its `on-…` property.
    item: Option<(usize, &'a str)>,
}

impl Trigger<'_> {
    /// The action's path (`…children[2].on-click-action`, `…data-source[1].on-click-action`).
    pub fn path(&self) -> Path {
        let path = self.component.key(self.key);
        match self.item {
            Some((i, key)) => path.index(i).key(key),
            None => path,
        }
    }
}

impl DataModel {
    fn from_node(node: &Node) -> DataModel {
        DataModel {
            fields: node
                .members()
                .iter()
                .map(|m| DataField {
                    name: m.key.to_string(),
                    key_span: m.key_span(),
                    span: m.value.span(),
                    schema: Schema::from_node(&m.value),
                    example: m.value.get("__example__").map(Node::to_json),
                })
                .collect(),
        }
    }

    pub fn field(&self, name: &str) -> Option<&DataField> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The `__example__` values as one object: the data a preview shows by default.
    pub fn example(&self) -> serde_json::Map<String, serde_json::Value> {
        self.fields
            .iter()
            .filter_map(|f| f.example.clone().map(|e| (f.name.clone(), e)))
            .collect()
    }

    /// The schema at a dotted path (`["profile", "name"]`).
    pub fn lookup(&self, path: &[String]) -> Option<&Schema> {
        let (first, rest) = path.split_first()?;
        let mut schema = &self.field(first)?.schema;
        for seg in rest {
            schema = match schema {
                Schema::Object(props) => &props.iter().find(|(k, _)| k == seg)?.1,
                _ => return None,
            };
        }
        Some(schema)
    }
}

impl Schema {
    pub fn from_node(node: &Node) -> Schema {
        match node.get("type").and_then(Node::as_str) {
            Some("string") => Schema::String,
            Some("number") => Schema::Number,
            Some("integer") => Schema::Integer,
            Some("boolean") => Schema::Boolean,
            Some("object") => Schema::Object(
                node.get("properties")
                    .map(|p| {
                        p.members()
                            .iter()
                            .map(|m| (m.key.to_string(), Schema::from_node(&m.value)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            Some("array") => Schema::Array(Box::new(
                node.get("items").map_or(Schema::Unknown, Schema::from_node),
            )),
            _ => Schema::Unknown,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Schema::String => "string",
            Schema::Number => "number",
            Schema::Integer => "integer",
            Schema::Boolean => "boolean",
            Schema::Object(_) => "object",
            Schema::Array(_) => "array",
            Schema::Unknown => "unknown",
        }
    }

    /// Whether a JSON value fits this schema (RFC 8927 style: no nulls, declared members
    /// typed, undeclared members allowed).
    pub fn accepts(&self, value: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        match (self, value) {
            (Schema::Unknown, _) => true,
            (Schema::String, J::String(_)) | (Schema::Boolean, J::Bool(_)) => true,
            (Schema::Number, J::Number(_)) => true,
            (Schema::Integer, J::Number(n)) => n.is_i64() || n.is_u64(),
            (Schema::Array(item), J::Array(items)) => items.iter().all(|i| item.accepts(i)),
            (Schema::Object(props), J::Object(map)) => props
                .iter()
                .all(|(k, s)| map.get(k).is_none_or(|v| s.accepts(v))),
            _ => false,
        }
    }
}
