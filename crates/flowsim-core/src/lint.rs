//! Advice beyond Meta's rules (`flowsim lint`): flows that validate but lose answers, strand
//! users, hide what they require, leave pictures undescribed, cut their texts on small
//! phones, make people scroll far, or sit on a version on its way out. Each finding is a
//! warning with a code of its own (lower-case, so it never reads as one of Meta's), the
//! place, and the fix; any code can be silenced.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use unicode_width::UnicodeWidthStr;

use crate::diagnostic::{Code, Diagnostic, LintCode};
use crate::flow::expr::{self, PropText, Ref, Scope, Store};
use crate::flow::json::{Node, Span};
use crate::flow::model::{Children, Component, Flow, Screen};
use crate::flow::path::Path;
use crate::flow::spec::Kind;
use crate::flow::version::{NEWEST, State};
use crate::routes::{Routes, To};
use crate::sim::{Input, Session, Start};
use crate::text::sanitize;

/// Every lint code with what it finds, in report order.
pub const CODES: &[(Code, &str)] = &[
    (
        UNUSED_INPUT,
        "an input whose value never reaches a payload or the completion",
    ),
    (
        UNREACHABLE_SCREEN,
        "a screen that no action can lead to, though a route does",
    ),
    (
        NEVER_COMPLETES,
        "an entry screen from which no way forward or back ends the flow",
    ),
    (HIDDEN_REQUIRED, "a required input that can be hidden"),
    (MISSING_ALT_TEXT, "a picture without alt-text"),
    (
        TRUNCATED_TEXT,
        "a title or label cut short on the narrowest phone",
    ),
    (
        LONG_SCREEN,
        "a screen whose inputs take several screenfuls of scrolling",
    ),
    (
        FROZEN_VERSION,
        "a Flow JSON version Meta has frozen or expired",
    ),
];

pub const UNUSED_INPUT: Code = Code::Lint(LintCode::UnusedInput);
pub const UNREACHABLE_SCREEN: Code = Code::Lint(LintCode::UnreachableScreen);
pub const NEVER_COMPLETES: Code = Code::Lint(LintCode::NeverCompletes);
pub const HIDDEN_REQUIRED: Code = Code::Lint(LintCode::HiddenRequired);
pub const MISSING_ALT_TEXT: Code = Code::Lint(LintCode::MissingAltText);
pub const TRUNCATED_TEXT: Code = Code::Lint(LintCode::TruncatedText);
pub const LONG_SCREEN: Code = Code::Lint(LintCode::LongScreen);
pub const FROZEN_VERSION: Code = Code::Lint(LintCode::FrozenVersion);

/// A screen taller than this many screenfuls is a long one.
pub const MAX_SCREENFULS: usize = 3;

/// The phone the layout rules measure on: the terminal's drawing of a screen, from the same
/// widgets as the preview.
pub trait Phone {
    /// The phone as messages name it: `the narrowest phone (30 columns)`.
    fn name(&self) -> String;
    /// Rows of the screen's body the phone shows at once.
    fn rows(&self) -> usize;
    /// The session's current screen drawn on this phone, whole, one string per row.
    fn draw(&self, session: &Session) -> Vec<String>;
}

/// Every finding about a flow, in source order. Without a phone the layout rules
/// (`truncated-text`, `long-screen`) are left out.
pub fn lint(flow: &Arc<Flow>, phone: Option<&dyn Phone>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    unused_inputs(flow, &mut out);
    paths(flow, &mut out);
    for screen in &flow.screens {
        hidden_required(screen, &mut out);
        alt_text(screen, &mut out);
    }
    if let Some(phone) = phone {
        for screen in &flow.screens {
            layout(flow, screen, phone, &mut out);
        }
    }
    version(flow, &mut out);
    out.sort_by_key(|d| (d.span.start, d.code.as_str()));
    out.dedup();
    out
}

/// Where a value can be kept: a screen's input or data field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Form(String, String),
    Data(String, String),
}

/// The references in a payload value, wherever they stand in it.
fn value_refs(node: &Node, out: &mut Vec<Ref>) {
    if let Some(s) = node.as_str() {
        match expr::classify(s) {
            PropText::Binding(r) => out.push(r),
            PropText::Nested(e) => out.extend(expr::refs(&e).into_iter().cloned()),
            _ => {
                // Mixed text: every `${…}` in it.
                let mut rest = s;
                while let Some(i) = rest.find("${") {
                    let tail = &rest[i..];
                    let end = tail.find('}').map_or(tail.len(), |e| e + 1);
                    out.extend(expr::parse_binding(&tail[..end]));
                    rest = &tail[end.min(tail.len())..];
                }
            }
        }
    }
    for m in node.members() {
        value_refs(&m.value, out);
    }
    for item in node.items() {
        value_refs(item, out);
    }
}

fn slot(on: &str, r: &Ref) -> Option<Slot> {
    let screen = match &r.scope {
        Scope::Local => on.to_string(),
        Scope::Screen(id) => id.clone(),
    };
    let field = r.path.first()?.clone();
    Some(match r.store {
        Store::Form => Slot::Form(screen, field),
        Store::Data => Slot::Data(screen, field),
    })
}

/// Inputs whose value no `complete` or `data_exchange` payload carries, directly or through
/// the data of the screens it is passed to (`navigate` and `update_data` payloads).
fn unused_inputs(flow: &Flow, out: &mut Vec<Diagnostic>) {
    // Where each payload key sends its references: to the business, or into a data field.
    let mut sent: BTreeSet<Slot> = BTreeSet::new();
    let mut into: BTreeMap<Slot, BTreeSet<Slot>> = BTreeMap::new();
    for screen in &flow.screens {
        for c in screen.all_components() {
            c.for_each_action(&mut |_, action| {
                let name = action.get("name").and_then(Node::as_str).unwrap_or("");
                let Some(payload) = action.get("payload") else {
                    return;
                };
                let target = match name {
                    "navigate" => action
                        .get("next")
                        .and_then(|n| n.get("name"))
                        .and_then(Node::as_str)
                        .map(str::to_string),
                    "update_data" => Some(screen.id.clone()),
                    _ => None,
                };
                for m in payload.members() {
                    let mut refs = Vec::new();
                    value_refs(&m.value, &mut refs);
                    for r in refs {
                        let Some(from) = slot(&screen.id, &r) else {
                            continue;
                        };
                        match (&target, name) {
                            (Some(to), "navigate" | "update_data") => {
                                into.entry(from)
                                    .or_default()
                                    .insert(Slot::Data(to.clone(), m.key.to_string()));
                            }
                            (_, "complete" | "data_exchange") => {
                                sent.insert(from);
                            }
                            _ => {}
                        }
                    }
                }
            });
        }
    }
    // Everything whose value reaches a sent slot is sent too: a walk back from the sent
    // slots along the payloads that fill them.
    let mut filled_from: BTreeMap<&Slot, Vec<&Slot>> = BTreeMap::new();
    for (from, tos) in &into {
        for to in tos {
            filled_from.entry(to).or_default().push(from);
        }
    }
    let mut reaches: BTreeSet<&Slot> = sent.iter().collect();
    let mut stack: Vec<&Slot> = reaches.iter().copied().collect();
    while let Some(slot) = stack.pop() {
        for from in filled_from.get(slot).into_iter().flatten() {
            if reaches.insert(from) {
                stack.push(from);
            }
        }
    }
    for screen in &flow.screens {
        for c in screen.all_components() {
            if !c.kind.is_some_and(Kind::is_input) {
                continue;
            }
            let Some(name) = c.name() else { continue };
            if reaches.contains(&Slot::Form(screen.id.clone(), name.to_string())) {
                continue;
            }
            let span = c
                .member("name")
                .map_or_else(|| c.anchor(), |m| m.value.span());
            out.push(
                Diagnostic::warning(
                    UNUSED_INPUT,
                    span,
                    &c.path.key("name"),
                    format!(
                        "the value of `{}` on screen `{}` never reaches the business: no `complete` or `data_exchange` payload carries it, directly or through the screens it is passed to",
                        sanitize(name),
                        screen.id
                    ),
                )
                .help(format!(
                    "add `\"{0}\": \"${{form.{0}}}\"` to the payload of the action that leaves the screen (or pass it on with `navigate` to where it is sent)",
                    sanitize(name)
                )),
            );
        }
    }
}

/// Screens no action leads to although a route does, and screens from which no action leads
/// to the end.
fn paths(flow: &Flow, out: &mut Vec<Diagnostic>) {
    let map = Routes::of(flow);
    // Where the flow can open: every entry screen with an endpoint, else the first screen.
    let starts: Vec<&str> = if flow.routing_model.is_some() {
        map.screens
            .iter()
            .filter(|s| s.entry)
            .map(|s| s.id.as_str())
            .collect()
    } else {
        flow.screens
            .first()
            .map(|s| s.id.as_str())
            .into_iter()
            .collect()
    };
    // Screen-to-screen edges: those some action takes, and every route.
    let mut by_action: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut by_route: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut completes: Vec<&str> = Vec::new();
    for r in &map.routes {
        match &r.to {
            To::Screen(id) => {
                by_route.entry(&r.from).or_default().push(id);
                if !r.via.is_empty() {
                    by_action.entry(&r.from).or_default().push(id);
                }
            }
            To::End if !r.via.is_empty() => {
                completes.push(&r.from);
            }
            _ => {}
        }
    }
    let acted = reach(&starts, &by_action);
    let routed = reach(&starts, &by_route);
    for screen in &flow.screens {
        // Screens no route leads to are the validator's (INVALID_ROUTING_MODEL).
        let id = screen.id.as_str();
        if routed.contains(id) && !acted.contains(id) {
            let froms: Vec<&str> = map
                .routes
                .iter()
                .filter(|r| r.to == To::Screen(screen.id.clone()) && r.via.is_empty())
                .map(|r| r.from.as_str())
                .collect();
            out.push(
                Diagnostic::warning(
                    UNREACHABLE_SCREEN,
                    screen.id_span.clone(),
                    &screen.path.key("id"),
                    format!(
                        "no action can lead to screen `{}`: the routing model lists a route to it{}, but no `navigate` or `data_exchange` there can take it",
                        screen.id,
                        if froms.is_empty() {
                            String::new()
                        } else {
                            format!(" from {}", froms.join(", "))
                        }
                    ),
                )
                .help("add a `data_exchange` (answered with this screen) or a `navigate` to it, or remove the screen and its route"),
            );
        }
    }
    // Screens that can reach the end through actions, or by going back (to any screen an
    // action leads from, once reached) and on from there: the part of the action graph,
    // taken both ways among the screens reached, that holds a completing screen.
    let mut both: HashMap<&str, Vec<&str>> = HashMap::new();
    for (a, bs) in &by_action {
        for b in bs {
            both.entry(a).or_default().push(b);
            if acted.contains(a) && acted.contains(b) {
                both.entry(b).or_default().push(a);
            }
        }
    }
    // Backwards: who can get to a screen that completes.
    let mut into: HashMap<&str, Vec<&str>> = HashMap::new();
    for (a, bs) in &both {
        for b in bs {
            into.entry(b).or_default().push(a);
        }
    }
    let ends = reach(&completes, &into);
    for screen in &flow.screens {
        if starts.contains(&screen.id.as_str()) && !ends.contains(screen.id.as_str()) {
            out.push(
                Diagnostic::warning(
                    NEVER_COMPLETES,
                    screen.id_span.clone(),
                    &screen.path.key("id"),
                    format!(
                        "opened on screen `{}`, the flow can never complete: no action on it or on the screens it leads to, forward or back, is a `complete`",
                        screen.id
                    ),
                )
                .help("end on a terminal screen whose Footer completes the flow (or, with an endpoint, sends a `data_exchange` it answers with SUCCESS)"),
            );
        }
    }
}

/// The screens reached from `starts` along `edges`.
fn reach<'a>(starts: &[&'a str], edges: &HashMap<&'a str, Vec<&'a str>>) -> HashSet<&'a str> {
    let mut seen: HashSet<&str> = starts.iter().copied().collect();
    let mut stack: Vec<&str> = starts.to_vec();
    while let Some(at) = stack.pop() {
        for b in edges.get(at).into_iter().flatten() {
            if seen.insert(b) {
                stack.push(b);
            }
        }
    }
    seen
}

/// Required inputs that `visible` or an `If`/`Switch` can hide.
fn hidden_required(screen: &Screen, out: &mut Vec<Diagnostic>) {
    fn walk(c: &Component, conditional: bool, screen: &Screen, out: &mut Vec<Diagnostic>) {
        let required = c
            .prop("required")
            .is_some_and(|r| r.as_bool() != Some(false));
        let visible = c.prop("visible").filter(|v| v.as_bool() != Some(true));
        if c.kind.is_some_and(Kind::is_input)
            && required
            && (visible.is_some() || conditional)
            && let Some(name) = c.name()
        {
            let (span, path, how) = match visible {
                Some(v) => (
                    v.span(),
                    c.path.key("visible"),
                    "its `visible` can hide it".to_string(),
                ),
                None => (
                    c.anchor(),
                    c.path.key("type"),
                    "it stands in an `If` or `Switch` branch that can be left out".to_string(),
                ),
            };
            out.push(
                Diagnostic::warning(
                    HIDDEN_REQUIRED,
                    span,
                    &path,
                    format!(
                        "`{}` on screen `{}` is required, but {how}: while hidden the user cannot fill it and the payload lacks it",
                        sanitize(name),
                        screen.id
                    ),
                )
                .help("make it required only when it shows (bind `required` to the same condition), or have the endpoint accept it missing"),
            );
        }
        let branches = matches!(c.children, Children::Branches { .. } | Children::Cases(_));
        for list in c.child_lists() {
            for child in list {
                walk(child, conditional || branches, screen, out);
            }
        }
    }
    for c in screen.children() {
        walk(c, false, screen, out);
    }
}

/// Pictures without `alt-text`: Image, ImageCarousel images, data-source items with images.
fn alt_text(screen: &Screen, out: &mut Vec<Diagnostic>) {
    let missing = |node: &Node| {
        node.get("alt-text")
            .and_then(Node::as_str)
            .is_none_or(|s| s.trim().is_empty())
    };
    let mut push = |span: Span, path: Path, what: String| {
        out.push(
            Diagnostic::warning(
                MISSING_ALT_TEXT,
                span,
                &path,
                format!(
                    "{what} on screen `{}` has no `alt-text`: screen readers say nothing, and where it cannot load nothing stands in its place",
                    screen.id
                ),
            )
            .help("add `\"alt-text\"` describing the picture"),
        );
    };
    for c in screen.all_components() {
        match c.kind {
            Some(Kind::Image) if c.member("alt-text").is_none_or(|m| missing_text(&m.value)) => {
                push(c.anchor(), c.path.key("type"), "an Image".into());
            }
            Some(Kind::ImageCarousel) => {
                if let Some(images) = c.prop("images") {
                    for (i, img) in images.items().iter().enumerate() {
                        if img.is_object() && missing(img) {
                            push(
                                img.span(),
                                c.path.key("images").index(i),
                                format!("picture {} of an ImageCarousel", i + 1),
                            );
                        }
                    }
                }
            }
            _ => {
                if let Some(items) = c.prop("data-source") {
                    for (i, item) in items.items().iter().enumerate() {
                        if item.get("image").is_some() && missing(item) {
                            push(
                                item.span(),
                                c.path.key("data-source").index(i),
                                format!(
                                    "the picture of option {} of a {}",
                                    i + 1,
                                    c.type_name().unwrap_or("component")
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}

fn missing_text(node: &Node) -> bool {
    node.as_str().is_none_or(|s| s.trim().is_empty())
}

/// Titles and labels cut short, and screens that take several screenfuls, on the phone.
fn layout(flow: &Arc<Flow>, screen: &Screen, phone: &dyn Phone, out: &mut Vec<Diagnostic>) {
    let mut session = Session::new(Arc::clone(flow), "flowsim");
    session.update(Input::Start(Start::Navigate {
        screen: Some(screen.id.clone()),
        data: None,
    }));
    if session.current() != Some(screen.id.as_str()) {
        return;
    }
    let rows = phone.draw(&session);
    let view = session.view();
    // (text, span, path, what)
    let mut texts: Vec<(String, Span, Path, String)> = Vec::new();
    if let Some(title) = screen.title() {
        texts.push((
            view.title.clone(),
            title.span(),
            screen.path.key("title"),
            "the title".into(),
        ));
    }
    let components: HashMap<String, &Component> = screen
        .all_components()
        .into_iter()
        .map(|c| (c.path.to_string(), c))
        .collect();
    for item in view.items.iter().chain(&view.footer) {
        let Some(label) = item.text("label") else {
            continue;
        };
        let Some(c) = components.get(&*item.key) else {
            continue;
        };
        let Some(m) = c.member("label") else { continue };
        texts.push((
            label,
            m.value.span(),
            c.path.key("label"),
            format!("the label of {}", item.kind.name()),
        ));
    }
    // Only rows with an ellipsis can show a text cut short; a text shown whole elsewhere
    // (a title repeated in the body) is not cut.
    let cut_rows: Vec<&String> = rows.iter().filter(|r| r.contains('…')).collect();
    for (text, span, path, what) in texts {
        let text = sanitize(&text);
        if text.is_empty() {
            continue;
        }
        let shown = cut_rows.iter().find_map(|r| cut_at(r, &text));
        if let Some(shown) = shown
            && !rows.iter().any(|r| r.contains(&text))
        {
            out.push(
                Diagnostic::warning(
                    TRUNCATED_TEXT,
                    span,
                    &path,
                    format!(
                        "{what} on screen `{}` is cut short on {}: it shows as \"{shown}…\"",
                        screen.id,
                        phone.name(),
                    ),
                )
                .help(format!(
                    "shorten it to fit in {} columns, as drawn there",
                    shown.width() + 1
                )),
            );
        }
    }
    let inputs = view
        .items
        .iter()
        .filter(|i| i.kind.is_input() && i.name.is_some())
        .count();
    let screenfuls = rows.len().div_ceil(phone.rows().max(1));
    if inputs >= 2 && screenfuls > MAX_SCREENFULS {
        out.push(
            Diagnostic::warning(
                LONG_SCREEN,
                screen.id_span.clone(),
                &screen.path.key("id"),
                format!(
                    "screen `{}` has {inputs} inputs on {} rows: about {screenfuls} screenfuls of scrolling on {}",
                    screen.id,
                    rows.len(),
                    phone.name()
                ),
            )
            .help(format!(
                "split it over several screens, so each fits in at most {MAX_SCREENFULS} screenfuls"
            )),
        );
    }
}

/// The part of `text` a row shows before an ellipsis, when the row shows it cut.
fn cut_at(row: &str, text: &str) -> Option<String> {
    let mut best: Option<String> = None;
    for (i, _) in row.match_indices('…') {
        let before = &row[..i];
        // The longest tail of `before` that is a prefix of the text.
        for (j, _) in before.char_indices() {
            let tail = &before[j..];
            if !tail.trim().is_empty() && text.starts_with(tail) && tail.len() < text.len() {
                if best.as_ref().is_none_or(|b| tail.len() > b.len()) {
                    best = Some(tail.to_string());
                }
                break;
            }
        }
    }
    best.filter(|b| b.trim().chars().count() >= 2)
}

/// A version Meta has frozen (next: expired) or expired.
fn version(flow: &Flow, out: &mut Vec<Diagnostic>) {
    let Some(declared) = flow.declared_version else {
        return;
    };
    let Some(member) = flow.member("version") else {
        return;
    };
    let path = Path::root().key("version");
    let message = match declared.state() {
        State::Active => return,
        State::Frozen { since } => format!(
            "Flow JSON {declared} is frozen since {since}, and a frozen version is the next to expire: then flow messages on it can no longer be sent or opened (Meta gives about 90 days' notice)"
        ),
        State::Expired { since } => format!(
            "Flow JSON {declared} expired on {since}: flow messages on it can no longer be sent or opened"
        ),
    };
    out.push(
        Diagnostic::warning(FROZEN_VERSION, member.value.span(), &path, message).help(format!(
            "migrate to \"{NEWEST}\" (`flowsim diff` shows what the move changes)"
        )),
    );
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::flow::json;

    fn codes(doc: Value) -> Vec<(String, String)> {
        let flow = Arc::new(Flow::from_node(json::parse(&doc.to_string()).unwrap()));
        lint(&flow, None)
            .into_iter()
            .map(|d| (d.code.to_string(), d.path.to_string()))
            .collect()
    }

    fn screen(id: &str, action: Value) -> Value {
        json!({ "id": id, "title": id, "layout": { "type": "SingleColumnLayout", "children": [
            { "type": "Footer", "label": "Go", "on-click-action": action }
        ] } })
    }

    fn nav(to: &str) -> Value {
        json!({ "name": "navigate", "next": { "type": "screen", "name": to }, "payload": {} })
    }

    #[test]
    fn a_flow_completes_when_an_action_leads_to_a_complete() {
        let done = json!({ "name": "complete", "payload": {} });
        let doc =
            json!({ "version": "7.3", "screens": [screen("A", nav("B")), screen("B", done)] });
        assert_eq!(codes(doc), []);
    }

    #[test]
    fn a_flow_whose_actions_only_go_round_never_completes() {
        let doc =
            json!({ "version": "7.3", "screens": [screen("A", nav("B")), screen("B", nav("A"))] });
        assert_eq!(
            codes(doc),
            [("never-completes".to_string(), "screens[0].id".to_string())]
        );
    }
}
