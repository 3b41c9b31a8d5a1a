//! Actions: which action each trigger accepts and from which version, navigate targets and
//! payloads against the target's data model, `complete` on terminal screens, `update_data`
//! keys, `open_url` and media-picker rules (flow-json.md §4, components.md §3.5).

use super::data::{Place, references, schema_type};
use super::{Ctx, one_of, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::flow::expr::{self, PropText, Ref, Scope, Store, Type};
use crate::flow::json::{Node, Value};
use crate::flow::model::Screen;
use crate::flow::path::{At, Path};
use crate::flow::spec::{ActionName, Allowed, Kind, NEXT_TYPES, Prop, Ty, URL_SCHEMES};

pub(super) fn check(ctx: &mut Ctx) {
    for screen in &ctx.flow.screens {
        for &c in ctx.components(screen) {
            let Some(kind) = c.kind else { continue };
            let spec = kind.spec();
            for m in &c.props {
                if let Some(Prop {
                    ty: Ty::Action(allowed),
                    ..
                }) = spec.prop(&m.key)
                {
                    let trigger = Trigger {
                        kind,
                        key: &m.key,
                        allowed,
                    };
                    action(ctx, screen, &trigger, &m.value, &c.path.key(&m.key));
                }
                if let Some(Prop {
                    ty: Ty::ObjArray { fields, .. },
                    ..
                }) = spec.prop(&m.key)
                {
                    for (i, item) in m.value.items().iter().enumerate() {
                        for im in item.members() {
                            if let Some(Prop {
                                ty: Ty::Action(allowed),
                                ..
                            }) = fields.iter().find(|f| f.name == im.key)
                            {
                                let trigger = Trigger {
                                    kind,
                                    key: &im.key,
                                    allowed,
                                };
                                let path = c.path.key(&m.key).index(i).key(&im.key);
                                action(ctx, screen, &trigger, &im.value, &path);
                            }
                        }
                    }
                }
            }
        }
    }
}

struct Trigger<'a> {
    kind: Kind,
    key: &'a str,
    allowed: &'static [Allowed],
}

fn action(ctx: &mut Ctx, screen: &Screen, trigger: &Trigger, node: &Node, path: &Path) {
    if !node.is_object() {
        return; // reported by the schema rules
    }
    let version = ctx.flow.version;
    let Some(name_member) = node.member("name") else {
        ctx.push(
            Diagnostic::error(
                Code::MissingRequiredProperty,
                node.span().start..node.span().start + 1,
                path,
                "the action has no `name`",
            )
            .help(format!(
                "add `\"name\"`: {}",
                allowed_list(trigger, version)
            )),
        );
        return;
    };
    let name_path = path.key("name");
    let Some(name) = name_member.value.as_str().and_then(ActionName::parse) else {
        let text = name_member.value.as_str().unwrap_or("");
        let mut d = Diagnostic::error(
            Code::InvalidEnumValue,
            name_member.value.span(),
            &name_path,
            format!("`{text}` is not an action"),
        );
        d = match suggest(text, ActionName::ALL.iter().map(|a| a.as_str())) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(format!("use {}", allowed_list(trigger, version))),
        };
        ctx.push(d);
        return;
    };
    match trigger.allowed.iter().find(|a| a.action == name) {
        None => {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidEnumValue,
                    name_member.value.span(),
                    &name_path,
                    format!(
                        "`{}` cannot be used in `{}` of {}",
                        name.as_str(),
                        trigger.key,
                        trigger.kind.name()
                    ),
                )
                .help(format!(
                    "this trigger accepts {}",
                    allowed_list(trigger, version)
                )),
            );
            return;
        }
        Some(a) if version < a.since => {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidEnumValue,
                    name_member.value.span(),
                    &name_path,
                    format!(
                        "`{}` in `{}` of {} needs Flow JSON {}; this flow is {version}",
                        name.as_str(),
                        trigger.key,
                        trigger.kind.name(),
                        a.since
                    ),
                )
                .help(format!("raise `version` to \"{}\"", a.since)),
            );
            return;
        }
        Some(_) => {}
    }
    for m in node.members() {
        if m.key != "name" && !name.keys().contains(&m.key.as_str()) {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidPropertyKey,
                    m.key_span(),
                    &path.key(&m.key),
                    format!(
                        "`{}` is not a property of the `{}` action",
                        m.key,
                        name.as_str()
                    ),
                )
                .help(format!("`{}` takes {}", name.as_str(), one_of(name.keys()))),
            );
        }
    }
    let payload = node.get("payload");
    if let Some(p) = payload
        && !p.is_object()
    {
        ctx.push(Diagnostic::error(
            Code::InvalidPropertyType,
            p.span(),
            &path.key("payload"),
            format!("`payload` must be an object, not {}", p.type_name()),
        ));
        return;
    }
    if let Some(p) = payload {
        payload_references(ctx, screen, p, &path.key("payload"));
    }
    match name {
        ActionName::Navigate => navigate(ctx, screen, node, path),
        ActionName::Complete => {
            if !screen.is_terminal() {
                ctx.push(
                    Diagnostic::error(
                        Code::InvalidCompleteAction,
                        name_member.value.span(),
                        &name_path,
                        format!(
                            "`complete` is used on screen `{}`, which is not terminal",
                            screen.id
                        ),
                    )
                    .help("mark the screen `\"terminal\": true`, or navigate to a terminal screen"),
                );
            }
            if let Some(p) = payload {
                pickers_in_payload(ctx, screen, p, &path.key("payload"), true);
            }
        }
        ActionName::DataExchange => {
            if !ctx.flow.is_endpoint_flow() {
                ctx.push(
                    Diagnostic::error(
                        Code::MissingRequiredProperty,
                        name_member.value.span(),
                        &name_path,
                        "`data_exchange` needs an endpoint, but the flow has no `data_api_version`",
                    )
                    .help("add `\"data_api_version\": \"3.0\"` and a `routing_model` at the top, or use `navigate`"),
                );
            }
            if let Some(p) = payload {
                pickers_in_payload(ctx, screen, p, &path.key("payload"), false);
            }
        }
        ActionName::UpdateData => update_data(ctx, screen, node, path),
        ActionName::OpenUrl => match node.get("url") {
            None => ctx.push(
                Diagnostic::error(
                    Code::MissingRequiredProperty,
                    node.span().start..node.span().start + 1,
                    path,
                    "`open_url` needs a `url`",
                )
                .help("add `\"url\": \"https://…\"`"),
            ),
            Some(url) => match url.as_str() {
                Some(u) if URL_SCHEMES.iter().any(|p| u.starts_with(p)) => {}
                _ => ctx.push(Diagnostic::error(
                    Code::InvalidPropertyValueFormat,
                    url.span(),
                    &path.key("url"),
                    "`url` must be an http or https URL",
                )),
            },
        },
    }
    if trigger.kind == Kind::Footer && screen.is_terminal() && name == ActionName::Navigate {
        ctx.push(
            Diagnostic::warning(
                Code::InvalidPropertyValue,
                name_member.value.span(),
                &name_path,
                format!("the Footer of terminal screen `{}` navigates away, so the flow may never end there", screen.id),
            )
            .help("end terminal screens with `complete` (or `data_exchange` in an endpoint flow)"),
        );
    }
}

fn allowed_list(trigger: &Trigger, version: crate::flow::version::Version) -> String {
    let names: Vec<&str> = trigger
        .allowed
        .iter()
        .filter(|a| version >= a.since)
        .map(|a| a.action.as_str())
        .collect();
    one_of(&names)
}

/// Checks every reference in a payload, at any depth, as references anywhere else.
fn payload_references(ctx: &mut Ctx, screen: &Screen, node: &Node, path: &Path) {
    match &node.value {
        Value::Object(members) => {
            for m in members {
                payload_references(ctx, screen, &m.value, &path.key(&m.key));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                payload_references(ctx, screen, item, &path.index(i));
            }
        }
        Value::String(_) => {
            references(ctx, screen, node, &At::Path(path), Place::Payload);
        }
        _ => {}
    }
}

/// The picker a binding reads, if any.
fn picker_ref<'a>(ctx: &Ctx<'a>, screen: &'a Screen, r: &Ref) -> bool {
    if r.store != Store::Form {
        return false;
    }
    let target = match &r.scope {
        Scope::Local => Some(screen),
        Scope::Screen(id) => ctx.flow.screen(id),
    };
    target.is_some_and(|s| {
        ctx.components(s)
            .iter()
            .any(|c| c.kind.is_some_and(Kind::is_picker) && c.name() == Some(r.path[0].as_str()))
    })
}

fn refs_in(text: &str) -> Vec<Ref> {
    match expr::classify(text) {
        PropText::Binding(r) => vec![r],
        PropText::Nested(e) => expr::refs(&e).into_iter().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Picker values may only be the whole value of a top-level payload key; a `complete`
/// payload may carry only one picker.
fn pickers_in_payload(ctx: &mut Ctx, screen: &Screen, payload: &Node, path: &Path, complete: bool) {
    let mut top_level = Vec::new();
    for m in payload.members() {
        let is_whole = m.value.as_str().is_some_and(
            |s| matches!(expr::classify(s), PropText::Binding(ref r) if picker_ref(ctx, screen, r)),
        );
        if is_whole {
            top_level.push(m);
            continue;
        }
        let mut nested = Vec::new();
        collect_strings(&m.value, &path.key(&m.key), &mut nested);
        for (node, p) in nested {
            let text = node.as_str().unwrap_or_default();
            if refs_in(text).iter().any(|r| picker_ref(ctx, screen, r)) {
                ctx.push(
                    Diagnostic::error(
                        Code::InvalidOnClickActionPayload,
                        node.span(),
                        &p,
                        "a media picker value can only be the whole value of a top-level payload key",
                    )
                    .help("write it as `\"photos\": \"${form.photos}\"` directly under `payload`"),
                );
            }
        }
    }
    if complete && top_level.len() > 1 {
        ctx.push(Diagnostic::error(
            Code::InvalidOnClickActionPayload,
            top_level[1].value.span(),
            &path.key(&top_level[1].key),
            "a `complete` payload may carry the files of only one picker",
        ));
    }
}

fn collect_strings<'a>(node: &'a Node, path: &Path, out: &mut Vec<(&'a Node, Path)>) {
    match &node.value {
        Value::String(_) => out.push((node, path.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_strings(item, &path.index(i), out);
            }
        }
        Value::Object(members) => {
            for m in members {
                collect_strings(&m.value, &path.key(&m.key), out);
            }
        }
        _ => {}
    }
}

fn navigate(ctx: &mut Ctx, screen: &Screen, node: &Node, path: &Path) {
    let flow = ctx.flow;
    let Some(next) = node.get("next") else {
        ctx.push(
            Diagnostic::error(
                Code::MissingRequiredProperty,
                node.span().start..node.span().start + 1,
                path,
                "`navigate` needs `next`",
            )
            .help("add `\"next\": { \"type\": \"screen\", \"name\": \"NEXT_SCREEN\" }`"),
        );
        return;
    };
    let next_path = path.key("next");
    if !next.is_object() {
        ctx.push(Diagnostic::error(
            Code::InvalidPropertyType,
            next.span(),
            &next_path,
            "`next` must be an object `{ \"type\": \"screen\", \"name\": … }`",
        ));
        return;
    }
    for m in next.members() {
        if m.key != "type" && m.key != "name" {
            ctx.push(Diagnostic::error(
                Code::InvalidPropertyKey,
                m.key_span(),
                &next_path.key(&m.key),
                format!(
                    "`{}` is not a property of `next`; it takes `type` and `name`",
                    m.key
                ),
            ));
        }
    }
    match next.get("type").and_then(Node::as_str) {
        Some("screen") | None => {}
        Some(t) if NEXT_TYPES.contains(&t) => ctx.push(Diagnostic::warning(
            Code::InvalidPropertyValue,
            next.get("type").map_or(next.span(), |n| n.span()),
            &next_path.key("type"),
            format!("`next.type: {t}` is undocumented; flowsim cannot simulate it"),
        )),
        Some(other) => ctx.push(Diagnostic::error(
            Code::InvalidPropertyValue,
            next.get("type").map_or(next.span(), |n| n.span()),
            &next_path.key("type"),
            format!("`{other}` is not a navigation target type; use `screen`"),
        )),
    }
    let Some(name_node) = next.get("name") else {
        ctx.push(Diagnostic::error(
            Code::MissingRequiredProperty,
            next.span().start..next.span().start + 1,
            &next_path,
            "`next` needs the `name` of the screen to go to",
        ));
        return;
    };
    let Some(target_id) = name_node.as_str() else {
        ctx.push(Diagnostic::error(
            Code::InvalidPropertyType,
            name_node.span(),
            &next_path.key("name"),
            "`next.name` must be a screen id",
        ));
        return;
    };
    if target_id == screen.id {
        ctx.push(
            Diagnostic::error(
                Code::InvalidNavigateActionNextScreenName,
                name_node.span(),
                &next_path.key("name"),
                format!("screen `{target_id}` navigates to itself"),
            )
            .help("to change what the screen shows, use `update_data` (6.0+) or `data_exchange`"),
        );
        return;
    }
    let Some(target) = flow.screen(target_id) else {
        let mut d = Diagnostic::error(
            Code::InvalidNavigateActionNextScreenName,
            name_node.span(),
            &next_path.key("name"),
            format!("there is no screen `{target_id}`"),
        );
        if let Some(s) = suggest(target_id, flow.screens.iter().map(|s| s.id.as_str())) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        ctx.push(d);
        return;
    };
    navigate_payload(ctx, screen, target, node, path);
}

fn navigate_payload(ctx: &mut Ctx, screen: &Screen, target: &Screen, node: &Node, path: &Path) {
    let strict = !ctx.flow.is_endpoint_flow();
    let make = |code: Code, span, p: &Path, msg: String| {
        if strict {
            Diagnostic::error(code, span, p, msg)
        } else {
            Diagnostic::warning(code, span, p, msg)
        }
    };
    let fields: Vec<&crate::flow::model::DataField> = target
        .data
        .fields
        .iter()
        .filter(|f| f.name != "required")
        .collect();
    let payload_path = path.key("payload");
    let Some(payload) = node.get("payload") else {
        if !fields.is_empty() {
            ctx.push(
                make(
                    Code::MissingNavigationActionPayload,
                    node.span().start..node.span().start + 1,
                    path,
                    format!(
                        "screen `{}` expects data ({}), but this navigate has no `payload`",
                        target.id,
                        fields
                            .iter()
                            .map(|f| format!("`{}`", f.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .help("add a `payload` with a value for each field of the target's data model"),
            );
        }
        return;
    };
    // Picker values never travel through navigate.
    let mut strings = Vec::new();
    collect_strings(payload, &payload_path, &mut strings);
    for (n, p) in &strings {
        if refs_in(n.as_str().unwrap_or_default())
            .iter()
            .any(|r| picker_ref(ctx, screen, r))
        {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidOnClickActionPayload,
                    n.span(),
                    p,
                    "media picker values cannot be passed through `navigate`",
                )
                .help(format!(
                    "read it on the next screen with `${{screen.{}.form.<name>}}`",
                    screen.id
                )),
            );
        }
    }
    if fields.is_empty() {
        if let Some(first) = payload.members().first() {
            ctx.push(
                make(
                    Code::InvalidNavigateActionPayload,
                    first.key_span(),
                    &payload_path.key(&first.key),
                    format!(
                        "screen `{}` has no data model, so the payload has nowhere to go",
                        target.id
                    ),
                )
                .help(format!(
                    "declare the fields in screen `{}`'s `data`, or remove the payload",
                    target.id
                )),
            );
        }
        return;
    }
    for m in payload.members() {
        let p = payload_path.key(&m.key);
        let Some(field) = target.data.field(&m.key) else {
            let mut d = make(
                Code::InvalidNavigateActionPayload,
                m.key_span(),
                &p,
                format!(
                    "`{}` is not in the data model of screen `{}`",
                    m.key, target.id
                ),
            );
            if let Some(s) = suggest(&m.key, fields.iter().map(|f| f.name.as_str())) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            ctx.push(d);
            continue;
        };
        let ok = match m.value.as_str().map(expr::classify) {
            Some(PropText::Binding(_) | PropText::Nested(_)) => {
                // Findings about the value itself were reported with the payload.
                let t = references(
                    &mut Ctx {
                        flow: ctx.flow,
                        components: ctx.components,
                        diags: Vec::new(),
                    },
                    screen,
                    &m.value,
                    &At::Path(&p),
                    Place::Payload,
                );
                let expected = schema_type(&field.schema);
                match t {
                    Some(Type::Unknown) | None => true,
                    Some(t) => expected == Type::Unknown || t == expected,
                }
            }
            _ => field.schema.accepts(&m.value.to_json()),
        };
        if !ok {
            ctx.push(make(
                Code::InvalidNavigateActionPayload,
                m.value.span(),
                &p,
                format!(
                    "`{}` is declared as {} on screen `{}`, but this value does not match",
                    m.key,
                    field.schema.type_name(),
                    target.id
                ),
            ));
        }
    }
    for f in &fields {
        if payload.member(&f.name).is_none() {
            ctx.push(
                make(
                    Code::InvalidNavigateActionPayload,
                    payload.span(),
                    &payload_path,
                    format!(
                        "the payload has no `{}`, which screen `{}` declares",
                        f.name, target.id
                    ),
                )
                .help(format!(
                    "add `\"{}\": …`, or remove it from the target's data model",
                    f.name
                )),
            );
        }
    }
}

fn update_data(ctx: &mut Ctx, screen: &Screen, node: &Node, path: &Path) {
    let Some(payload) = node.get("payload") else {
        ctx.push(Diagnostic::error(
            Code::MissingRequiredProperty,
            node.span().start..node.span().start + 1,
            path,
            "`update_data` needs a `payload` with the data fields to change",
        ));
        return;
    };
    let payload_path = path.key("payload");
    for m in payload.members() {
        let p = payload_path.key(&m.key);
        let Some(field) = screen.data.field(&m.key) else {
            let mut d = Diagnostic::error(
                Code::InvalidActionPayloadProperty,
                m.key_span(),
                &p,
                format!(
                    "`{}` does not exist in the data model of screen `{}`",
                    m.key, screen.id
                ),
            );
            d = match suggest(&m.key, screen.data.fields.iter().map(|f| f.name.as_str())) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => {
                    d.help("`update_data` can only change fields declared in the screen's `data`")
                }
            };
            ctx.push(d);
            continue;
        };
        if let Some(PropText::Binding(r)) = m.value.as_str().map(expr::classify)
            && r.scope == Scope::Local
            && r.store == Store::Data
            && r.path.len() == 1
            && r.path[0] == m.key
        {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidUpdateDataActionPayload,
                    m.value.span(),
                    &p,
                    format!("`{}` is set to its own value", m.key),
                )
                .help("remove this key: it changes nothing"),
            );
            continue;
        }
        let is_dynamic = m
            .value
            .as_str()
            .is_some_and(|s| !matches!(expr::classify(s), PropText::Literal));
        if !is_dynamic && !field.schema.accepts(&m.value.to_json()) {
            ctx.push(Diagnostic::error(
                Code::InvalidUpdateDataActionPayload,
                m.value.span(),
                &p,
                format!(
                    "`{}` is declared as {}, but this value does not match",
                    m.key,
                    field.schema.type_name()
                ),
            ));
        }
    }
}
