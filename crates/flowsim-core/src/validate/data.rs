//! Data models and bindings: every screen's `data` declaration (flow-json.md §2.2), and every
//! `${data.…}`, `${form.…}`, `${screen.ID.…}` reference and backtick expression resolved and
//! type-checked against it (flow-json.md §3), wherever it stands — component properties,
//! markdown lines, screen titles, action payloads — by one checker, [`references`].

use super::schema::inner_span;
use super::{Ctx, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::flow::expr::{self, PropText, Ref, Scope, Store, Type};
use crate::flow::json::{Member, Node, Value};
use crate::flow::model::{Component, Schema, Screen};
use crate::flow::path::{At, Path};
use crate::flow::spec::{Kind, Ty};
use crate::flow::version::{Version, v};

pub(super) fn check(ctx: &mut Ctx) {
    for screen in &ctx.flow.screens {
        if let Some(data) = screen.get("data") {
            data_model(ctx, screen, data);
        }
        if let Some(title) = screen.get("title") {
            references(
                ctx,
                screen,
                title,
                &At::Path(&screen.path.key("title")),
                Place::Property(&[Type::String]),
            );
        }
        for &c in ctx.components(screen) {
            component(ctx, screen, c);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Data model declarations.

fn data_model(ctx: &mut Ctx, screen: &Screen, data: &Node) {
    let path = screen.path.key("data");
    // The model's fields were made from these members, one each, in order: their schemas
    // and examples are not made again here.
    for (m, field) in data.members().iter().zip(&screen.data.fields) {
        let fpath = path.key(&m.key);
        if m.key == "required" {
            if !m.value.is_array() {
                ctx.push(Diagnostic::error(
                    Code::InvalidScreenData,
                    m.value.span(),
                    &fpath,
                    "a data-model key named `required` must be an array of field names",
                ));
            }
            continue;
        }
        if !m
            .key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            || m.key.is_empty()
        {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidScreenData,
                    m.key_span(),
                    &fpath,
                    format!("`{}` is not a valid data field name", m.key),
                )
                .help("use letters, digits and underscores (no `-`, spaces, quotes or backticks)"),
            );
        }
        if !m.value.is_object() {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidScreenData,
                    m.value.span(),
                    &fpath,
                    format!("data field `{}` must be a schema object", m.key),
                )
                .help("write `{ \"type\": \"string\", \"__example__\": \"…\" }`"),
            );
            continue;
        }
        if schema_node(ctx, &m.value, &fpath, true) {
            match m.value.member("__example__") {
                None => ctx.push(
                    Diagnostic::error(
                        Code::InvalidScreenData,
                        m.key_span(),
                        &fpath,
                        format!("data field `{}` has no `__example__`", m.key),
                    )
                    .help("add an `__example__` value: previews (and flowsim) show it when no real data is given"),
                ),
                Some(ex) => {
                    let example = field.example.as_ref().expect("the model keeps examples");
                    if !field.schema.accepts(example) {
                        ctx.push(Diagnostic::error(
                            Code::InvalidScreenData,
                            ex.value.span(),
                            &fpath.key("__example__"),
                            format!(
                                "the `__example__` of `{}` does not match its declared type `{}`",
                                m.key,
                                field.schema.type_name()
                            ),
                        ));
                    }
                }
            }
        }
    }
}

/// Checks one schema object; returns whether it is usable. `top` allows `__example__`.
fn schema_node(ctx: &mut Ctx, node: &Node, path: &Path, top: bool) -> bool {
    if !top && let Some(m) = node.member("__example__") {
        ctx.push(
            Diagnostic::error(
                Code::InvalidScreenData,
                m.key_span(),
                &path.key("__example__"),
                "`__example__` is only allowed on top-level data fields",
            )
            .help("move the example up to the field's top-level declaration"),
        );
    }
    let Some(ty) = node.member("type") else {
        ctx.push(
            Diagnostic::error(
                Code::InvalidScreenData,
                node.span().start..node.span().start + 1,
                path,
                "the schema has no `type`",
            )
            .help("add `\"type\"`: string, number, boolean, object or array"),
        );
        return false;
    };
    match ty.value.as_str() {
        Some("string" | "number" | "integer" | "boolean") => true,
        Some("array") => match node.member("items") {
            None => {
                ctx.push(
                    Diagnostic::error(
                        Code::InvalidScreenData,
                        ty.value.span(),
                        path,
                        "an `array` schema needs `items`",
                    )
                    .help("add `\"items\": { \"type\": \"object\", \"properties\": { … } }`"),
                );
                false
            }
            Some(items) if items.value.is_object() => {
                schema_node(ctx, &items.value, &path.key("items"), false)
            }
            Some(items) if items.value.as_bool().is_some() => true,
            Some(items) => {
                ctx.push(Diagnostic::error(
                    Code::InvalidScreenData,
                    items.value.span(),
                    &path.key("items"),
                    "`items` must be a schema object",
                ));
                false
            }
        },
        Some("object") => {
            let mut ok = true;
            if let Some(props) = node.get("properties") {
                for p in props.members() {
                    if p.value.is_object() {
                        ok &=
                            schema_node(ctx, &p.value, &path.key("properties").key(&p.key), false);
                    } else {
                        ctx.push(Diagnostic::error(
                            Code::InvalidScreenData,
                            p.value.span(),
                            &path.key("properties").key(&p.key),
                            "each property must be a schema object",
                        ));
                        ok = false;
                    }
                }
            }
            ok
        }
        Some(other) => {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidScreenData,
                    ty.value.span(),
                    &path.key("type"),
                    format!("`{other}` is not a data type"),
                )
                .help("use string, number, integer, boolean, object or array"),
            );
            false
        }
        None => {
            ctx.push(Diagnostic::error(
                Code::InvalidScreenData,
                ty.value.span(),
                &path.key("type"),
                "`type` must be a string",
            ));
            false
        }
    }
}

// ---------------------------------------------------------------------------------------
// References and expressions.

/// The type of a schema, as the expression checker sees it.
pub(super) fn schema_type(schema: &Schema) -> Type {
    match schema {
        Schema::String => Type::String,
        Schema::Number | Schema::Integer => Type::Number,
        Schema::Boolean => Type::Boolean,
        Schema::Object(_) => Type::Object,
        Schema::Array(_) => Type::Array,
        Schema::Unknown => Type::Unknown,
    }
}

/// The type of `${form.<name>}` for an input (flow-json.md §3.3).
pub(super) fn form_type(c: &Component) -> Type {
    match c.kind {
        Some(Kind::TextInput) if c.prop("input-type").and_then(Node::as_str) == Some("number") => {
            Type::Number
        }
        Some(
            Kind::CheckboxGroup | Kind::ChipsSelector | Kind::PhotoPicker | Kind::DocumentPicker,
        ) => Type::Array,
        Some(Kind::OptIn) => Type::Boolean,
        Some(Kind::CalendarPicker) if c.prop("mode").and_then(Node::as_str) == Some("range") => {
            Type::Object
        }
        _ => Type::String,
    }
}

/// Resolves a reference made on `screen`; the error is a ready diagnostic.
pub(super) fn resolve(
    ctx: &Ctx,
    screen: &Screen,
    r: &Ref,
    span: std::ops::Range<usize>,
    path: &At,
) -> Result<Type, Diagnostic> {
    let flow = ctx.flow;
    let target = match &r.scope {
        Scope::Local => screen,
        Scope::Screen(id) => {
            if flow.version < v(4, 0) {
                return Err(Diagnostic::error(
                    Code::InvalidPropertyValue,
                    span,
                    path,
                    format!(
                        "`${{screen.{id}…}}` references need Flow JSON 4.0; this flow is {}",
                        flow.version
                    ),
                )
                .help("relay the value through the navigate payload, or raise `version`"));
            }
            if *id == screen.id {
                return Err(Diagnostic::error(
                    Code::InvalidScreenDynamicData,
                    span,
                    path,
                    format!("`${{screen.{id}.…}}` points at the current screen"),
                )
                .help(format!(
                    "use the local form: `${{{}.{}}}`",
                    r.store.as_str(),
                    r.path.join(".")
                )));
            }
            match flow.screen(id) {
                Some(s) => s,
                None => {
                    let mut d = Diagnostic::error(
                        Code::InvalidScreenData,
                        span,
                        path,
                        format!("screen `{id}` referenced here does not exist"),
                    );
                    if let Some(s) = suggest(id, flow.screens.iter().map(|s| s.id.as_str())) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    return Err(d);
                }
            }
        }
    };
    let global = !matches!(r.scope, Scope::Local);
    match r.store {
        Store::Data => {
            let first = &r.path[0];
            let Some(field) = target.data.field(first) else {
                let code = if global {
                    Code::InvalidScreenData
                } else {
                    Code::InvalidScreenDynamicData
                };
                let mut d = Diagnostic::error(
                    code,
                    span,
                    path,
                    format!(
                        "`{first}` is not declared in the data model of screen `{}`",
                        target.id
                    ),
                );
                d = match suggest(first, target.data.fields.iter().map(|f| f.name.as_str())) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!(
                        "declare it in screen `{}`'s `data`: `\"{first}\": {{ \"type\": \"string\", \"__example__\": \"…\" }}`",
                        target.id
                    )),
                };
                return Err(d);
            };
            let mut schema = &field.schema;
            for seg in &r.path[1..] {
                schema = match schema {
                    Schema::Object(props) => match props.iter().find(|(k, _)| k == seg) {
                        Some((_, s)) => s,
                        None => {
                            return Err(Diagnostic::error(
                                Code::InvalidScreenDynamicData,
                                span,
                                path,
                                format!("`{}` has no declared member `{seg}`", r.path[0]),
                            )
                            .help("declare it under `properties` in the data model"));
                        }
                    },
                    Schema::Array(_) => {
                        return Err(Diagnostic::error(
                            Code::InvalidScreenDynamicData,
                            span,
                            path,
                            format!(
                                "`{}` is an array: its members cannot be reached with `.{seg}`",
                                r.path[0]
                            ),
                        ));
                    }
                    Schema::Unknown => return Ok(Type::Unknown),
                    _ => {
                        return Err(Diagnostic::error(
                            Code::InvalidScreenDynamicData,
                            span,
                            path,
                            format!(
                                "`{}` is a {}: it has no member `{seg}`",
                                r.path[0],
                                schema.type_name()
                            ),
                        ));
                    }
                };
            }
            Ok(schema_type(schema))
        }
        Store::Form => {
            let name = &r.path[0];
            let comps = ctx.components(target);
            match comps
                .iter()
                .find(|c| c.kind.is_some_and(Kind::is_input) && c.name() == Some(name.as_str()))
            {
                Some(c) if r.path.len() == 1 => Ok(form_type(c)),
                Some(_) => Err(Diagnostic::error(
                    Code::InvalidOnClickActionPayload,
                    span,
                    path,
                    format!("form value `{name}` has no members"),
                )),
                None => {
                    let is_form = comps
                        .iter()
                        .any(|c| c.kind == Some(Kind::Form) && c.name() == Some(name.as_str()));
                    let message = if is_form {
                        format!("`${{form.{name}}}` names the Form itself, not an input")
                    } else {
                        format!("screen `{}` has no input named `{name}`", target.id)
                    };
                    let mut d =
                        Diagnostic::error(Code::InvalidOnClickActionPayload, span, path, message);
                    let names = comps
                        .iter()
                        .filter(|c| c.kind.is_some_and(Kind::is_input))
                        .filter_map(|c| c.name());
                    if let Some(s) = suggest(name, names) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    Err(d)
                }
            }
        }
    }
}

/// Where a string that may hold `${…}` references stands. Every place is checked by
/// [`references`] with one grammar (`flow::expr`), one resolver ([`resolve`]) and the same
/// codes and spans; the place only decides what literal text around a reference means and
/// which value types fit.
#[derive(Debug, Clone, Copy)]
pub(super) enum Place<'a> {
    /// A component property or a member of one, a line of TextBody/TextCaption markdown, a
    /// screen title, a Switch value: a literal, one binding, or (6.0+) a nested expression,
    /// whose type must be one of these (empty: any). Literal text mixed with a reference is
    /// a compile error (flow-json.md §3.1).
    Property(&'a [Type]),
    /// RichText `text`, which does not interpolate (flow-json.md §3.2): static, or one
    /// binding; `line`: an item of a `text` array, which must be static.
    RichText { line: bool },
    /// A value in an action payload, at any depth.
    Payload,
}

/// The first version whose validator checks nested expressions in action payloads against
/// the data models. Meta's changelog puts it at 7.2 (8 Jul 2025: "improved validation for
/// nested expressions in Flow JSON actions"; flow-json.md §1.3), while its error-codes page
/// shows such a finding with no version at all (flow-json.md §3.4). Where the sources
/// disagree flowsim warns: before 7.2 these findings are warnings, from 7.2 errors. The
/// syntax of an expression is checked as an error in every version that has expressions.
const PAYLOAD_EXPRESSIONS_CHECKED: Version = v(7, 2);

/// Checks a string that may hold references: the syntax of a binding or backtick
/// expression, every reference against the data models (`resolve`), the expression's type
/// against the place. Returns the value's type when it is a binding or an expression
/// ([`Type::Unknown`] after a finding), `None` for a literal.
pub(super) fn references(
    ctx: &mut Ctx,
    screen: &Screen,
    node: &Node,
    path: &At,
    place: Place,
) -> Option<Type> {
    let text = node.as_str()?;
    let version = ctx.flow.version;
    let class = expr::classify(text);
    if let Place::RichText { line: true } = place {
        if !matches!(class, PropText::Literal) || expr::contains_reference(text) {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidTextDynamicData,
                    node.span(),
                    path,
                    "the lines of a RichText `text` array must be static text",
                )
                .help("bind the whole `text` instead: `\"text\": \"${data.terms}\"`, with the lines built by your endpoint"),
            );
        }
        return None;
    }
    // What Meta checks of an expression in a payload depends on the version (see
    // PAYLOAD_EXPRESSIONS_CHECKED): findings found by the data model are warnings before it.
    let lenient = matches!(place, Place::Payload)
        && matches!(class, PropText::Nested(_))
        && version < PAYLOAD_EXPRESSIONS_CHECKED;
    let (ty, mut found) = match class {
        PropText::Literal if expr::contains_reference(text) => {
            mixed(ctx, node, path, place);
            return None;
        }
        PropText::Literal => return None,
        PropText::Invalid(e) => {
            let help = if text.starts_with('`') {
                "nested expressions are written `` `'Total: ' ${data.price}` ``".to_string()
            } else if let Some(fixed) = with_store(ctx, screen, text) {
                format!("did you mean `{fixed}`?")
            } else {
                "a reference is `${data.<field>}`, `${form.<name>}` or `${screen.<SCREEN_ID>.data.<field>}`".to_string()
            };
            ctx.push(
                Diagnostic::error(
                    Code::InvalidPropertyValue,
                    inner_span(node, text, &e.span),
                    path,
                    format!("invalid expression: {}", e.message),
                )
                .help(help),
            );
            return Some(Type::Unknown);
        }
        PropText::Nested(_) if matches!(place, Place::RichText { .. }) => {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidTextDynamicData,
                    node.span(),
                    path,
                    "RichText does not evaluate nested expressions: its `text` is static or one `${…}` binding",
                )
                .help("bind the whole text to a string built by your endpoint, or use TextBody for computed text"),
            );
            return Some(Type::Unknown);
        }
        PropText::Nested(_) if version < v(6, 0) => {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidPropertyValue,
                    node.span(),
                    path,
                    format!("backtick expressions need Flow JSON 6.0; this flow is {version}"),
                )
                .help("raise `version` to \"6.0\" or later, or use a plain `${data.…}` binding"),
            );
            return Some(Type::Unknown);
        }
        PropText::Binding(r) => {
            match resolve(ctx, screen, &r, inner_span(node, text, &r.span), path) {
                Ok(t) => (t, Vec::new()),
                Err(d) => (Type::Unknown, vec![d]),
            }
        }
        PropText::Nested(e) => nested_type(ctx, screen, node, text, &e, path),
    };
    let expected: &[Type] = match place {
        Place::Property(expected) => expected,
        Place::RichText { .. } => &[Type::String, Type::Array],
        Place::Payload => &[],
    };
    if !(ty == Type::Unknown || expected.is_empty() || expected.contains(&ty)) {
        found.push(
            Diagnostic::error(
                Code::InvalidScreenDynamicData,
                node.span(),
                path,
                format!(
                    "expected {} here, but this value is {} {}",
                    expected
                        .iter()
                        .map(|t| t.as_str())
                        .collect::<Vec<_>>()
                        .join(" or "),
                    super::article_for(ty.as_str()),
                    ty.as_str()
                ),
            )
            .help(
                "change the declared type in the data model, or bind a value of the expected type",
            ),
        );
    }
    for d in found {
        ctx.push(if lenient {
            d.into_warning(format!(
                "Meta's changelog checks expressions in action payloads against the data model from Flow JSON {PAYLOAD_EXPRESSIONS_CHECKED} on; on {version} the value would be empty at run time"
            ))
        } else {
            d
        });
    }
    Some(ty)
}

/// `${screen.ID.x}` with the `form.` or `data.` it lacks, when that names something on
/// screen `ID`.
fn with_store(ctx: &Ctx, screen: &Screen, text: &str) -> Option<String> {
    let (id, rest) = text.strip_prefix("${screen.")?.split_once('.')?;
    ["form", "data"].into_iter().find_map(|store| {
        let fixed = format!("${{screen.{id}.{store}.{rest}");
        let r = expr::parse_binding(&fixed)?;
        resolve(ctx, screen, &r, 0..0, &At::Path(&Path::root()))
            .is_ok()
            .then_some(fixed)
    })
}

/// The type of a nested expression and what is wrong with it: references that do not
/// resolve, then (when they all do) type errors.
fn nested_type(
    ctx: &Ctx,
    screen: &Screen,
    node: &Node,
    text: &str,
    e: &expr::Expr,
    path: &At,
) -> (Type, Vec<Diagnostic>) {
    let found: Vec<Diagnostic> = expr::refs(e)
        .into_iter()
        .filter_map(|r| resolve(ctx, screen, r, inner_span(node, text, &r.span), path).err())
        .collect();
    if !found.is_empty() {
        return (Type::Unknown, found);
    }
    let lookup = |r: &Ref| resolve(ctx, screen, r, 0..0, path).ok();
    match expr::type_of(e, &lookup) {
        Ok(t) => (t, Vec::new()),
        Err(err) => (
            Type::Unknown,
            vec![Diagnostic::error(
                Code::InvalidPropertyValue,
                inner_span(node, text, &err.span),
                path,
                format!("invalid expression: {}", err.message),
            )],
        ),
    }
}

/// Literal text mixed with a `${…}` reference.
fn mixed(ctx: &mut Ctx, node: &Node, path: &At, place: Place) {
    let version = ctx.flow.version;
    let combine = if version >= v(6, 0) {
        "a value is either all literal or one binding; to combine them write a backtick expression: `` `'Hello ' ${data.name}` ``"
    } else {
        "a value is either all literal or exactly one `${…}` binding"
    };
    let what = path.last_key().unwrap_or("the value");
    ctx.push(match place {
        Place::Property(_) => Diagnostic::error(
            Code::PatternMismatch,
            node.span(),
            path,
            format!("`{what}` mixes literal text with a `${{…}}` reference"),
        )
        .help(combine),
        Place::RichText { .. } => Diagnostic::error(
            Code::InvalidTextDynamicData,
            node.span(),
            path,
            "RichText does not fill in references inside text: its `text` is static or one `${…}` binding",
        )
        .help("bind the whole text to a string built by your endpoint, or use TextBody for computed text"),
        // Meta documents payload values as literals or bindings (flow-json.md §4.1) and says
        // nothing of text around a reference there; the client sends such text as written.
        Place::Payload => Diagnostic::warning(
            Code::PatternMismatch,
            node.span(),
            path,
            format!("`{what}` mixes literal text with a `${{…}}` reference, which is sent as written, not filled in"),
        )
        .help(combine),
    });
}

fn expected_types(ty: &Ty) -> &'static [Type] {
    match ty {
        Ty::Str | Ty::Enum(_) => &[Type::String],
        Ty::Bool => &[Type::Boolean],
        Ty::Int | Ty::Num => &[Type::Number],
        Ty::Text => &[Type::String, Type::Array],
        Ty::StrArray(_) | Ty::ObjArray { .. } => &[Type::Array],
        Ty::Obj(_) | Ty::FormMap => &[Type::Object],
        Ty::StrOrRange | Ty::StrOrMap => &[Type::String, Type::Object],
        Ty::BoolOrRange => &[Type::Boolean, Type::Object],
        Ty::Action(_) | Ty::Children | Ty::Cases => &[],
    }
}

fn component(ctx: &mut Ctx, screen: &Screen, c: &Component) {
    let Some(kind) = c.kind else { return };
    let spec = kind.spec();
    for m in &c.props {
        let Some(prop) = spec.prop(&m.key) else {
            continue;
        };
        let base = At::Path(&c.path);
        let path = base.key(&m.key);
        match (kind, m.key.as_str()) {
            (Kind::If, "condition") => condition(ctx, screen, m, &path),
            (Kind::Switch, "value") => switch_value(ctx, screen, m, &path),
            _ if matches!(prop.ty, Ty::Text) => text(ctx, screen, kind, &m.value, &path),
            _ if prop.dynamic => {
                let place = Place::Property(expected_types(&prop.ty));
                if let Some(Type::Array) = references(ctx, screen, &m.value, &path, place)
                    && matches!(prop.ty, Ty::ObjArray { .. })
                {
                    bound_items(ctx, screen, c, m, prop, &path);
                }
                nested_values(ctx, screen, &m.value, &path);
            }
            _ => {}
        }
    }
}

/// `text` of TextBody, TextCaption and RichText: a string, or an array checked line by
/// line (markdown lines may hold references; RichText lines must be static).
fn text(ctx: &mut Ctx, screen: &Screen, kind: Kind, node: &Node, path: &At) {
    let rich = kind == Kind::RichText;
    match &node.value {
        Value::Array(lines) => {
            let place = if rich {
                Place::RichText { line: true }
            } else {
                Place::Property(&[Type::String])
            };
            for (i, line) in lines.iter().enumerate() {
                references(ctx, screen, line, &path.index(i), place);
            }
        }
        _ => {
            let place = if rich {
                Place::RichText { line: false }
            } else {
                Place::Property(&[Type::String, Type::Array])
            };
            references(ctx, screen, node, path, place);
        }
    }
}

/// References inside array and object literals (data-source items, list items, range
/// objects, `init-values`), at any depth.
fn nested_values(ctx: &mut Ctx, screen: &Screen, node: &Node, path: &At) {
    match &node.value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let p = path.index(i);
                references(ctx, screen, item, &p, Place::Property(&[]));
                nested_values(ctx, screen, item, &p);
            }
        }
        Value::Object(members) => {
            for m in members {
                if m.key.starts_with("on-") {
                    continue; // actions are checked with their trigger
                }
                let p = path.key(&m.key);
                references(ctx, screen, &m.value, &p, Place::Property(&[]));
                nested_values(ctx, screen, &m.value, &p);
            }
        }
        _ => {}
    }
}

/// A `data-source` / `list-items` bound to data must declare the members items need.
fn bound_items(
    ctx: &mut Ctx,
    screen: &Screen,
    c: &Component,
    m: &Member,
    prop: &crate::flow::spec::Prop,
    path: &At,
) {
    let Some(text) = m.value.as_str() else { return };
    let PropText::Binding(r) = expr::classify(text) else {
        return;
    };
    let target = match &r.scope {
        Scope::Local => Some(screen),
        Scope::Screen(id) => ctx.flow.screen(id),
    };
    let Some(Schema::Array(item)) = target
        .and_then(|s| s.data.lookup(&r.path))
        .filter(|_| r.store == Store::Data)
    else {
        return;
    };
    let Ty::ObjArray { fields, .. } = prop.ty else {
        return;
    };
    let Schema::Object(members) = item.as_ref() else {
        if **item != Schema::Unknown {
            ctx.push(Diagnostic::error(
                Code::InvalidScreenDynamicData,
                m.value.span(),
                path,
                format!("the items of `{}` must be objects", r.path.join(".")),
            ));
        }
        return;
    };
    for f in fields.iter().filter(|f| f.required.is_some()) {
        if !members.iter().any(|(k, _)| k == f.name) {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidScreenDynamicData,
                    m.value.span(),
                    path,
                    format!(
                        "data model schema is invalid: items of `{}` bound to {} `{}` are missing schema for `{}`",
                        r.path.join("."),
                        c.type_name().unwrap_or("the component"),
                        m.key,
                        f.name
                    ),
                )
                .help(format!("declare `\"{}\": {{ \"type\": \"string\" }}` under `items.properties`", f.name)),
            );
        }
    }
}

fn condition(ctx: &mut Ctx, screen: &Screen, m: &Member, path: &At) {
    let Some(text) = m.value.as_str() else { return };
    let node = &m.value;
    if text.trim().starts_with('`') {
        ctx.push(
            Diagnostic::error(
                Code::InvalidPropertyValue,
                node.span(),
                path,
                "an If condition is written without backticks",
            )
            .help("remove the backticks: `\"condition\": \"${form.age} >= 18\"`"),
        );
        return;
    }
    let e = match expr::parse_condition(text) {
        Ok(e) => e,
        Err(err) => {
            ctx.push(Diagnostic::error(
                Code::InvalidPropertyValue,
                inner_span(node, text, &err.span),
                path,
                format!("invalid condition: {}", err.message),
            ));
            return;
        }
    };
    let mut failed = false;
    for r in expr::refs(&e) {
        if let Err(d) = resolve(ctx, screen, r, inner_span(node, text, &r.span), path) {
            ctx.push(d);
            failed = true;
        }
    }
    if failed {
        return;
    }
    let lookup = |r: &Ref| resolve(ctx, screen, r, 0..0, path).ok();
    if let Err(err) = expr::check_condition(&e, &lookup) {
        ctx.push(Diagnostic::error(
            Code::InvalidPropertyValue,
            inner_span(node, text, &err.span),
            path,
            format!("invalid condition: {}", err.message),
        ));
    }
}

fn switch_value(ctx: &mut Ctx, screen: &Screen, m: &Member, path: &At) {
    let Some(text) = m.value.as_str() else { return };
    if let PropText::Binding(_) | PropText::Invalid(_) = expr::classify(text) {
        references(ctx, screen, &m.value, path, Place::Property(&[]));
    } else {
        ctx.push(
            Diagnostic::error(
                Code::InvalidPropertyValue,
                m.value.span(),
                path,
                "a Switch `value` must be a single `${…}` reference",
            )
            .help("for example `\"value\": \"${form.plan}\"`"),
        );
    }
}
