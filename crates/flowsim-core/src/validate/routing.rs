//! The routing model (flow-json.md §5): declared routes for endpoint flows, routes derived
//! from `navigate` actions otherwise, and the graph rules both must obey.

use std::collections::{HashMap, HashSet};

use super::{Ctx, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::flow::json::{Node, Span};
use crate::flow::model::Screen;
use crate::flow::path::Path;
use crate::flow::spec::MAX_BRANCHES;

const CODE: Code = Code::InvalidRoutingModel;

pub(super) fn check(ctx: &mut Ctx) {
    let flow = ctx.flow;
    if flow.screens.is_empty() || flow.screens.iter().any(|s| s.id.is_empty()) {
        return;
    }
    let ids: HashSet<&str> = flow.screens.iter().map(|s| s.id.as_str()).collect();
    let root = Path::root().key("routing_model");
    let screens_path = Path::root().key("screens");

    if let Some(model) = &flow.routing_model {
        let model_node: Option<&Node> = flow.member("routing_model").map(|m| &m.value);
        if let Some(node) = model_node {
            for m in node.members() {
                if !m.value.is_array() || m.value.items().iter().any(|i| i.as_str().is_none()) {
                    ctx.push(Diagnostic::error(
                        Code::InvalidPropertyType,
                        m.value.span(),
                        &root.key(&m.key),
                        "each route must be an array of screen ids",
                    ));
                }
            }
        }
        let mut listed: HashSet<&str> = HashSet::new();
        for route in &model.routes {
            let from_path = root.key(&route.from);
            listed.insert(&route.from);
            if !ids.contains(route.from.as_str()) {
                ctx.push(unknown(
                    ctx,
                    &route.from,
                    route.from_span.clone(),
                    &from_path,
                ));
            }
            if route.to.len() > MAX_BRANCHES {
                ctx.push(Diagnostic::error(
                    CODE,
                    route.from_span.clone(),
                    &from_path,
                    format!(
                        "screen `{}` has {} routes; at most {MAX_BRANCHES} branches are allowed per screen",
                        route.from,
                        route.to.len()
                    ),
                ));
            }
            for (i, (to, span)) in route.to.iter().enumerate() {
                listed.insert(to);
                let p = from_path.index(i);
                if !ids.contains(to.as_str()) {
                    ctx.push(unknown(ctx, to, span.clone(), &p));
                } else if *to == route.from {
                    ctx.push(
                        Diagnostic::error(CODE, span.clone(), &p, format!("screen `{to}` routes to itself"))
                            .help("remove it: an endpoint may always answer with the current screen to refresh it"),
                    );
                } else if backward(flow, model, &route.from, to) {
                    ctx.push(
                        Diagnostic::error(
                            CODE,
                            span.clone(),
                            &p,
                            format!(
                                "backward route `{}` → `{to}`: `{to}` already leads to `{}`",
                                route.from, route.from
                            ),
                        )
                        .help("list only the forward route; Back always returns along it"),
                    );
                }
            }
        }
        let missing: Vec<&str> = flow
            .screens
            .iter()
            .map(|s| s.id.as_str())
            .filter(|id| !listed.contains(id))
            .collect();
        if !missing.is_empty() && flow.screens.len() > 1 {
            ctx.push(
                Diagnostic::error(
                    CODE,
                    model.span.clone(),
                    &root,
                    format!(
                        "following screens are missing in the routing model: {}",
                        missing.join(", ")
                    ),
                )
                .help("add each screen as a key (with its forward routes, or `[]`)"),
            );
        }
        if flow.is_endpoint_flow() {
            for (from, to) in flow.navigate_edges() {
                if from != to
                    && !model
                        .routes
                        .iter()
                        .any(|r| r.from == from && r.to.iter().any(|(t, _)| *t == to))
                {
                    let span = model
                        .routes
                        .iter()
                        .find(|r| r.from == from)
                        .map_or(model.span.clone(), |r| r.from_span.clone());
                    ctx.push(
                        Diagnostic::error(
                            CODE,
                            span,
                            &root.key(&from),
                            format!("missing direct route from {from} to {to} in the routing model, while it exists in the navigate action of {from}"),
                        )
                        .help(format!("add \"{to}\" to the routes of \"{from}\"")),
                    );
                }
            }
            let forward: Vec<(String, String)> = flow
                .edges()
                .iter()
                .filter(|(a, b)| !backward(flow, model, a, b))
                .cloned()
                .collect();
            if let Some(cycle) = find_cycle(&forward) {
                ctx.push(
                    Diagnostic::error(
                        CODE,
                        model.span.clone(),
                        &root,
                        format!(
                            "loop detected in the routing model for screens {}",
                            cycle.join(" → ")
                        ),
                    )
                    .help("routes only go forward; Back takes the user along a route in reverse"),
                );
            }
        }
    }

    if flow.routing_model.is_none() {
        for screen in &flow.screens {
            navigate_branches(ctx, screen);
        }
    }

    let edges: Vec<(String, String)> = flow
        .edges()
        .iter()
        .filter(|(a, b)| a != b && ids.contains(a.as_str()) && ids.contains(b.as_str()))
        .cloned()
        .collect();
    let entries = flow.entry_screens();
    if entries.is_empty() {
        ctx.push(
            Diagnostic::error(
                CODE,
                flow.screens_span.clone(),
                &screens_path,
                "the flow has no entry screen: every screen is the target of some route",
            )
            .help("the first screen must not be the target of any navigate action or route"),
        );
        return;
    }
    let first = &flow.screens[0];
    if !entries.iter().any(|e| e.id == first.id) {
        ctx.push(
            Diagnostic::warning(
                CODE,
                first.id_span.clone(),
                &first.path.key("id"),
                format!("the first screen `{}` is the target of a route, so a flow message cannot open it", first.id),
            )
            .help("put the entry screen first in `screens`"),
        );
    }
    // Reachability: an endpoint may open the flow on any entry screen; without one, the
    // flow opens on the first screen.
    let mut reached: HashSet<&str> = if flow.routing_model.is_some() {
        entries.iter().map(|s| s.id.as_str()).collect()
    } else {
        HashSet::from([first.id.as_str()])
    };
    let mut stack: Vec<&str> = reached.iter().copied().collect();
    while let Some(at) = stack.pop() {
        for (a, b) in &edges {
            if a == at && reached.insert(b.as_str()) {
                stack.push(b);
            }
        }
    }
    for screen in &flow.screens {
        if !reached.contains(screen.id.as_str()) {
            let how = if flow.routing_model.is_some() {
                "route"
            } else {
                "navigate action"
            };
            ctx.push(
                Diagnostic::error(
                    CODE,
                    screen.id_span.clone(),
                    &screen.path.key("id"),
                    format!(
                        "screen `{}` is not connected: no {how} leads to it",
                        screen.id
                    ),
                )
                .help(if flow.routing_model.is_some() {
                    "add it to the routes of the screen that leads to it"
                } else {
                    "navigate to it from another screen, or remove it"
                }),
            );
        }
    }
}

/// The routes Meta derives from a screen's `navigate` actions obey the same limit as
/// written ones: reported at the first navigate past it.
fn navigate_branches(ctx: &mut Ctx, screen: &Screen) {
    let mut targets: Vec<String> = Vec::new();
    let mut first_over: Option<(Span, Path)> = None;
    for c in ctx.components(screen) {
        c.for_each_action(&mut |trigger, action| {
            if action.get("name").and_then(Node::as_str) != Some("navigate") {
                return;
            }
            let Some(name) = action.get("next").and_then(|n| n.get("name")) else {
                return;
            };
            let Some(to) = name.as_str() else { return };
            if to == screen.id || targets.iter().any(|t| t == to) {
                return;
            }
            targets.push(to.to_string());
            if targets.len() == MAX_BRANCHES + 1 {
                first_over = Some((name.span(), trigger.path().key("next").key("name")));
            }
        });
    }
    if let Some((span, path)) = first_over {
        ctx.push(
            Diagnostic::error(
                CODE,
                span,
                &path,
                format!(
                    "screen `{}` navigates to {} screens; at most {MAX_BRANCHES} branches are allowed per screen",
                    screen.id,
                    targets.len()
                ),
            )
            .help("without a `routing_model` every navigate target is a route: split the choices over two screens"),
        );
    }
}

/// Whether `from → to` is the backward half of a pair of opposite routes: the one leaving
/// the screen that comes later in `screens` (ties: the later-listed route).
fn backward(
    flow: &crate::flow::model::Flow,
    model: &crate::flow::model::RoutingModel,
    from: &str,
    to: &str,
) -> bool {
    let has = |a: &str, b: &str| {
        model
            .routes
            .iter()
            .any(|r| r.from == a && r.to.iter().any(|(t, _)| t == b))
    };
    if from == to || !has(from, to) || !has(to, from) {
        return false;
    }
    let index = |id: &str| flow.screens.iter().position(|s| s.id == id);
    match (index(from), index(to)) {
        (Some(f), Some(t)) => f > t,
        _ => {
            let order = |id: &str| model.routes.iter().position(|r| r.from == id);
            order(from) > order(to)
        }
    }
}

fn unknown(ctx: &Ctx, id: &str, span: std::ops::Range<usize>, path: &Path) -> Diagnostic {
    let mut d = Diagnostic::error(
        CODE,
        span,
        path,
        format!("invalid screens found in the routing model: `{id}` is not a screen"),
    );
    if let Some(s) = suggest(id, ctx.flow.screens.iter().map(|s| s.id.as_str())) {
        d = d.help(format!("did you mean `{s}`?"));
    }
    d
}

/// A cycle in a directed graph, as the list of screens along it (first repeated last).
fn find_cycle(edges: &[(String, String)]) -> Option<Vec<String>> {
    let mut adj: HashMap<&str, Vec<&str>> = HashMap::new();
    for (a, b) in edges {
        if a != b {
            adj.entry(a).or_default().push(b);
        }
    }
    let mut nodes: Vec<&str> = adj.keys().copied().collect();
    nodes.sort_unstable();
    // 0 = unvisited, 1 = on the stack, 2 = done
    let mut state: HashMap<&str, u8> = HashMap::new();
    for start in nodes {
        if state.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        state.insert(start, 1);
        while let Some((node, i)) = stack.last().copied() {
            let next = adj.get(node).and_then(|n| n.get(i)).copied();
            match next {
                Some(n) => {
                    stack.last_mut().expect("non-empty").1 += 1;
                    match state.get(n).copied().unwrap_or(0) {
                        0 => {
                            state.insert(n, 1);
                            stack.push((n, 0));
                        }
                        1 => {
                            let pos = stack.iter().position(|(s, _)| *s == n).unwrap_or(0);
                            let mut cycle: Vec<String> =
                                stack[pos..].iter().map(|(s, _)| s.to_string()).collect();
                            cycle.push(n.to_string());
                            return Some(cycle);
                        }
                        _ => {}
                    }
                }
                None => {
                    state.insert(node, 2);
                    stack.pop();
                }
            }
        }
    }
    None
}
