//! What changed between two versions of a flow (`flowsim diff`), in Flow JSON's terms:
//! versions, screens, components (matched by input `name`, else by their place in the
//! screen), data model fields, and routes. A change that can break something outside the
//! flow — the endpoint, the business's parsing of responses, flow messages already sent — is
//! marked with why.

use std::collections::{BTreeSet, HashMap, VecDeque};

use serde_json::Value;

use crate::flow::model::{Component, Flow, Schema, Screen};
use crate::flow::spec::Kind;
use crate::flow::version::{Version, v};
use crate::routes::{How, Routes, To};

/// What happened to the thing a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Added,
    Removed,
    Changed,
    /// The same component (by name) at another place in its screen.
    Moved,
    /// An input that is gone, with one of the same type in its place under another name.
    Renamed,
}

/// One change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub op: Op,
    /// What kind of thing changed: `version`, `data_api_version`, `screen`, `component`,
    /// `input`, `data field`, `route`.
    pub subject: &'static str,
    /// The screen it is on, when it is on one.
    pub screen: Option<String>,
    /// Which one: `TextInput "email"`, `field "total"`, `DETAILS → SUMMARY`.
    pub name: String,
    /// How it changed: `label: "Name" → "Full name"`, `string → number`.
    pub detail: Option<String>,
    /// Why this can break something, when it can.
    pub breaking: Option<String>,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Added => "added",
            Op::Removed => "removed",
            Op::Changed => "changed",
            Op::Moved => "moved",
            Op::Renamed => "renamed",
        }
    }
}

fn change(op: Op, subject: &'static str, screen: Option<&str>, name: String) -> Change {
    Change {
        op,
        subject,
        screen: screen.map(str::to_string),
        name,
        detail: None,
        breaking: None,
    }
}

impl Change {
    fn detail(mut self, detail: impl Into<String>) -> Change {
        self.detail = Some(detail.into());
        self
    }

    fn breaking(mut self, why: impl Into<String>) -> Change {
        self.breaking = Some(why.into());
        self
    }
}

/// Versions whose arrival changes how an unchanged flow behaves (flow-json.md §1.3).
const BEHAVIOUR: &[(Version, &str)] = &[
    (
        v(5, 0),
        "DatePicker values become date-only \"YYYY-MM-DD\" strings, so the endpoint receives and must send dates in another shape",
    ),
    (
        v(6, 0),
        "empty strings in component properties are rejected, and a component's on-select-action also fires when its screen is rendered",
    ),
    (
        v(7, 0),
        "a component's on-select-action no longer fires when its screen is rendered, and init-values and error-messages are type-checked",
    ),
];

/// Every change from `old` to `new`, in the order a reader meets them: the document, then
/// each screen in the new order (removed ones where they stood), then the routes.
pub fn diff(old: &Flow, new: &Flow) -> Vec<Change> {
    let mut out = Vec::new();
    versions(old, new, &mut out);
    let endpoint = old.is_endpoint_flow();
    let old_entries: BTreeSet<String> = old.entry_screens().iter().map(|s| s.id.clone()).collect();
    for s in &old.screens {
        if new.screen(&s.id).is_none() {
            let mut c = change(Op::Removed, "screen", None, s.id.clone());
            if endpoint {
                c = c.breaking(format!(
                    "the endpoint may still answer with screen `{}`; the client rejects that answer",
                    s.id
                ));
            } else if old_entries.contains(&s.id) {
                c = c.breaking(format!(
                    "flow messages that open the flow on `{}` stop working",
                    s.id
                ));
            }
            out.push(c);
        }
    }
    for s in &new.screens {
        match old.screen(&s.id) {
            None => out.push(change(Op::Added, "screen", None, s.id.clone())),
            Some(o) => screen(o, s, endpoint, &mut out),
        }
    }
    routes(old, new, &mut out);
    out
}

fn versions(old: &Flow, new: &Flow, out: &mut Vec<Change>) {
    let text = |f: &Flow| {
        f.member("version")
            .map(|m| m.value.to_json())
            .unwrap_or(Value::Null)
    };
    let (a, b) = (text(old), text(new));
    if a != b {
        let mut c =
            change(Op::Changed, "version", None, "version".into()).detail(format!("{a} → {b}"));
        let (lo, hi) = (old.version.min(new.version), old.version.max(new.version));
        let crossed: Vec<String> = BEHAVIOUR
            .iter()
            .filter(|(at, _)| lo < *at && *at <= hi)
            .map(|(at, what)| format!("from {at}: {what}"))
            .collect();
        if !crossed.is_empty() {
            c = c.breaking(crossed.join("; "));
        }
        out.push(c);
    }
    let (a, b) = (
        old.data_api_version.as_deref(),
        new.data_api_version.as_deref(),
    );
    if a != b {
        let show = |x: Option<&str>| x.map_or("none".to_string(), |s| format!("\"{s}\""));
        let mut c = change(
            Op::Changed,
            "data_api_version",
            None,
            "data_api_version".into(),
        )
        .detail(format!("{} → {}", show(a), show(b)));
        if a.is_some() {
            c = c.breaking(
                "requests carry the new version (with 4.0 and Flow JSON 7.3, a flow_token_signature): the endpoint must accept it",
            );
        }
        out.push(c);
    }
}

/// A component as a person names it: `TextInput "email"` for an input, else its type.
fn label(c: &Component) -> String {
    let kind = c.type_name().unwrap_or("component");
    match c.name() {
        Some(n) => format!("{kind} \"{n}\""),
        None => kind.to_string(),
    }
}

/// The name of an input component.
fn named(c: &Component) -> Option<&str> {
    c.name().filter(|_| c.kind.is_some_and(Kind::is_input))
}

/// The path of a component inside its screen: `layout.children[2]`.
fn place(screen: &Screen, c: &Component) -> String {
    let full = c.path.to_string();
    let prefix = screen.path.to_string();
    full.strip_prefix(&prefix)
        .map(|r| r.trim_start_matches('.').to_string())
        .unwrap_or(full)
}

/// The component's own properties as JSON, without nested component lists.
fn props(c: &Component) -> serde_json::Map<String, Value> {
    c.props
        .iter()
        .map(|m| (m.key.to_string(), m.value.to_json()))
        .collect()
}

/// One line for a value in a change: short, on one line.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}

fn screen(old: &Screen, new: &Screen, endpoint: bool, out: &mut Vec<Change>) {
    let id = Some(new.id.as_str());
    for key in [
        "title",
        "terminal",
        "success",
        "refresh_on_back",
        "sensitive",
    ] {
        let a = old.get(key).map(|n| n.to_json());
        let b = new.get(key).map(|n| n.to_json());
        if a != b {
            let show = |x: &Option<Value>| x.as_ref().map_or("none".into(), short);
            let mut c = change(Op::Changed, "screen", id, new.id.clone()).detail(format!(
                "{key}: {} → {}",
                show(&a),
                show(&b)
            ));
            if key == "terminal" && a == Some(Value::Bool(true)) {
                c = c.breaking(
                    "the screen is no longer terminal: a complete on it is refused, and the endpoint's SUCCESS answer from it may be too",
                );
            }
            out.push(c);
        }
    }
    data_model(old, new, endpoint, out);
    components(old, new, out);
}

fn data_model(old: &Screen, new: &Screen, endpoint: bool, out: &mut Vec<Change>) {
    let id = Some(new.id.as_str());
    let who = if endpoint {
        "the endpoint (or the navigate action that opens the screen)"
    } else {
        "the navigate action that opens the screen"
    };
    for f in &old.data.fields {
        match new.data.field(&f.name) {
            None => out.push(
                change(Op::Removed, "data field", id, format!("\"{}\"", f.name)).breaking(
                    format!(
                        "{who} sends `{}`: components bound to it show nothing, and a strict sender fails",
                        f.name
                    ),
                ),
            ),
            Some(n) if n.schema != f.schema => out.push(
                change(Op::Changed, "data field", id, format!("\"{}\"", f.name))
                    .detail(format!("{} → {}", describe(&f.schema), describe(&n.schema)))
                    .breaking(format!(
                        "{who} sends `{}` as {}: the client rejects the answer when the value does not fit",
                        f.name,
                        describe(&f.schema)
                    )),
            ),
            Some(_) => {}
        }
    }
    for f in &new.data.fields {
        if old.data.field(&f.name).is_none() {
            out.push(
                change(Op::Added, "data field", id, format!("\"{}\"", f.name))
                    .detail(describe(&f.schema)),
            );
        }
    }
}

/// A schema as a short type: `string`, `array of object {id, title}`.
fn describe(s: &Schema) -> String {
    match s {
        Schema::Array(item) => format!("array of {}", describe(item)),
        Schema::Object(props) => {
            let keys: Vec<String> = props
                .iter()
                .map(|(k, v)| match v {
                    Schema::Object(_) | Schema::Array(_) => format!("{k}: {}", describe(v)),
                    _ => format!("{k}: {}", v.type_name()),
                })
                .collect();
            format!("object {{{}}}", keys.join(", "))
        }
        other => other.type_name().to_string(),
    }
}

/// A screen's components, each with what the matching compares, computed once.
struct Side<'a> {
    items: Vec<&'a Component>,
    places: Vec<String>,
    /// The component's own properties as JSON text (for an exact match).
    texts: Vec<String>,
}

impl<'a> Side<'a> {
    fn new(screen: &'a Screen) -> Side<'a> {
        let items = screen.all_components();
        Side {
            places: items.iter().map(|c| place(screen, c)).collect(),
            texts: items
                .iter()
                .map(|c| Value::Object(props(c)).to_string())
                .collect(),
            items,
        }
    }

    /// The first index of each input name.
    fn names(&self) -> HashMap<&'a str, usize> {
        let mut out = HashMap::new();
        for (i, c) in self.items.iter().enumerate() {
            if let Some(n) = named(c) {
                out.entry(n).or_insert(i);
            }
        }
        out
    }
}

fn components(old: &Screen, new: &Screen, out: &mut Vec<Change>) {
    let id = Some(new.id.as_str());
    let (a, b) = (Side::new(old), Side::new(new));
    let new_names = b.names();
    // Unnamed components: the same one unchanged anywhere, else the same type in the same
    // place. Indexes keep the matching near-linear however many components a screen has.
    let mut exact: HashMap<(Option<&str>, &str), VecDeque<usize>> = HashMap::new();
    let mut at_place: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    for (i, c) in b.items.iter().enumerate() {
        if named(c).is_none() {
            let ty = c.type_name();
            exact.entry((ty, &b.texts[i])).or_default().push_back(i);
            at_place.entry((ty, &b.places[i])).or_insert(i);
        }
    }
    let mut matched_new: Vec<bool> = vec![false; b.items.len()];
    let mut removed: Vec<usize> = Vec::new();
    let moved = moved(&a, &b, &new_names);
    for (oi, o) in a.items.iter().enumerate() {
        let ty = o.type_name();
        let found = match named(o) {
            Some(n) => new_names.get(n).copied().filter(|i| !matched_new[*i]),
            None => {
                let mut same = None;
                if let Some(queue) = exact.get_mut(&(ty, a.texts[oi].as_str())) {
                    while let Some(i) = queue.pop_front() {
                        if !matched_new[i] {
                            same = Some(i);
                            break;
                        }
                    }
                }
                same.or_else(|| {
                    at_place
                        .get(&(ty, a.places[oi].as_str()))
                        .copied()
                        .filter(|i| !matched_new[*i])
                })
            }
        };
        let Some(i) = found else {
            removed.push(oi);
            continue;
        };
        matched_new[i] = true;
        let n = b.items[i];
        if named(o).is_some_and(|name| moved.contains(name)) {
            out.push(
                change(Op::Moved, "component", id, label(n))
                    .detail(format!("{} → {}", a.places[oi], b.places[i])),
            );
        }
        if a.texts[oi] == b.texts[i] {
            continue;
        }
        let (pa, pb) = (props(o), props(n));
        let keys: BTreeSet<&String> = pa.keys().chain(pb.keys()).collect();
        for k in keys {
            if pa.get(k) != pb.get(k) {
                let show = |x: Option<&Value>| x.map_or("none".into(), short);
                let mut c = change(Op::Changed, "component", id, label(n)).detail(format!(
                    "{k}: {} → {}",
                    show(pa.get(k)),
                    show(pb.get(k))
                ));
                if let Some(why) = breaks(k, pa.get(k), pb.get(k), named(n)) {
                    c = c.breaking(why);
                }
                out.push(c);
            }
        }
    }
    // New inputs by (type, label) and by (type, place): where a removed input may have gone.
    let label_of = |c: &Component| c.prop("label").map(|n| n.to_json().to_string());
    let mut by_label: HashMap<(Option<&str>, Option<String>), VecDeque<usize>> = HashMap::new();
    let mut by_place: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    for (i, c) in b.items.iter().enumerate() {
        if !matched_new[i] && named(c).is_some() {
            let ty = c.type_name();
            by_label.entry((ty, label_of(c))).or_default().push_back(i);
            by_place.entry((ty, &b.places[i])).or_insert(i);
        }
    }
    let mut renamed_to: Vec<bool> = vec![false; b.items.len()];
    let why = |name: &str| {
        format!(
            "the endpoint and the business's response parsing read `{name}`: they no longer receive it"
        )
    };
    for oi in removed {
        let o = a.items[oi];
        let Some(old_name) = named(o) else {
            out.push(change(Op::Removed, "component", id, label(o)).detail(a.places[oi].clone()));
            continue;
        };
        // An input of the same type with the same label, or in the same place, under
        // another name: a rename.
        let ty = o.type_name();
        let mut rename = None;
        if let Some(queue) = by_label.get_mut(&(ty, label_of(o))) {
            while let Some(i) = queue.pop_front() {
                if !renamed_to[i] {
                    rename = Some(i);
                    break;
                }
            }
        }
        let rename = rename.or_else(|| {
            by_place
                .get(&(ty, a.places[oi].as_str()))
                .copied()
                .filter(|i| !renamed_to[*i])
        });
        match rename {
            Some(i) => {
                renamed_to[i] = true;
                out.push(
                    change(Op::Renamed, "input", id, label(o))
                        .detail(format!(
                            "\"{old_name}\" → \"{}\"",
                            b.items[i].name().unwrap_or_default()
                        ))
                        .breaking(why(old_name)),
                );
            }
            None => out.push(
                change(Op::Removed, "input", id, label(o))
                    .detail(a.places[oi].clone())
                    .breaking(why(old_name)),
            ),
        }
    }
    for (i, c) in b.items.iter().enumerate() {
        if !matched_new[i] && !renamed_to[i] {
            let subject = if named(c).is_some() {
                "input"
            } else {
                "component"
            };
            out.push(change(Op::Added, subject, id, label(c)).detail(b.places[i].clone()));
        }
    }
}

/// Why a changed property can break what reads the flow's answers: an input that became
/// another component sends another kind of value, and keys gone from a `complete` or
/// `data_exchange` payload no longer reach the business or the endpoint.
fn breaks(
    key: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    input: Option<&str>,
) -> Option<String> {
    if key == "type"
        && let Some(name) = input
    {
        return Some(format!(
            "`{name}` is now another component, so the endpoint and the business's response parsing receive another kind of value for it"
        ));
    }
    if !key.starts_with("on-") {
        return None;
    }
    let sent = |v: Option<&Value>| -> Vec<String> {
        let Some(v) = v else { return Vec::new() };
        let name = v.get("name").and_then(Value::as_str).unwrap_or_default();
        if !matches!(name, "complete" | "data_exchange") {
            return Vec::new();
        }
        v.get("payload")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    };
    let now = sent(new);
    let gone: Vec<String> = sent(old)
        .into_iter()
        .filter(|k| !now.contains(k))
        .map(|k| format!("`{k}`"))
        .collect();
    (!gone.is_empty()).then(|| {
        format!(
            "the payload no longer sends {}: the endpoint and the business's response parsing read {}",
            gone.join(", "),
            if gone.len() == 1 { "it" } else { "them" }
        )
    })
}

/// The kind of container a component stands in: its place without the indices
/// (`layout.children[].then[]`), so a container that only shifted is the same one.
fn container(place: &str) -> String {
    let mut out = String::new();
    let mut skip = false;
    for ch in place.chars() {
        match ch {
            '[' => {
                skip = true;
                out.push_str("[]");
            }
            ']' => skip = false,
            c if !skip => out.push(c),
            _ => {}
        }
    }
    // The component's own index is not part of its container.
    out.strip_suffix("[]").map(str::to_string).unwrap_or(out)
}

/// Names of the inputs that moved: into another container, or out of their order among the
/// inputs of both versions (what is left out of the longest run kept in order). An input
/// that only shifted because something was added or removed before it has not moved.
fn moved<'a>(a: &Side<'a>, b: &Side, new_names: &HashMap<&str, usize>) -> BTreeSet<&'a str> {
    let mut out = BTreeSet::new();
    // (name, position in the new version) in the old order, for inputs in both.
    let mut pairs: Vec<(&'a str, usize)> = Vec::new();
    for (oi, o) in a.items.iter().enumerate() {
        let Some(name) = named(o) else { continue };
        let Some(&i) = new_names.get(name) else {
            continue;
        };
        if container(&a.places[oi]) != container(&b.places[i]) {
            out.insert(name);
        } else {
            pairs.push((name, i));
        }
    }
    // The longest increasing run of new positions (patience sorting, O(n log n)).
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for (k, (_, pos)) in pairs.iter().enumerate() {
        let at = tails.partition_point(|&t| pairs[t].1 < *pos);
        if at > 0 {
            prev[k] = Some(tails[at - 1]);
        }
        if at == tails.len() {
            tails.push(k);
        } else {
            tails[at] = k;
        }
    }
    let mut keep = vec![false; pairs.len()];
    let mut at = tails.last().copied();
    while let Some(k) = at {
        keep[k] = true;
        at = prev[k];
    }
    for (k, (name, _)) in pairs.iter().enumerate() {
        if !keep[k] {
            out.insert(name);
        }
    }
    out
}

fn routes(old: &Flow, new: &Flow, out: &mut Vec<Change>) {
    let (a, b) = (Routes::of(old), Routes::of(new));
    let key = |r: &crate::routes::Route| (r.name(), r.how);
    let old_keys: Vec<(String, How)> = a.routes.iter().map(key).collect();
    let new_keys: Vec<(String, How)> = b.routes.iter().map(key).collect();
    for r in &a.routes {
        // Routes from or to a removed screen go with it.
        let gone = matches!(&r.to, To::Screen(id) if new.screen(id).is_none());
        if !new_keys.contains(&key(r)) && new.screen(&r.from).is_some() && !gone {
            let mut c = change(Op::Removed, "route", Some(&r.from), r.name())
                .detail(r.how.name().to_string());
            if r.how == How::Endpoint {
                c = c.breaking(format!(
                    "an endpoint answer with `{}` from `{}` is now rejected (invalid-screen-transition)",
                    r.to.label(),
                    r.from
                ));
            }
            out.push(c);
        }
    }
    for r in &b.routes {
        if !old_keys.contains(&key(r)) && old.screen(&r.from).is_some() {
            out.push(
                change(Op::Added, "route", Some(&r.from), r.name())
                    .detail(r.how.name().to_string()),
            );
        }
    }
}
