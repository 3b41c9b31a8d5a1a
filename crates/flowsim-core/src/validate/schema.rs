//! Component schemas: every property checked against the table in `flow::spec` (known keys,
//! types, enums, limits, versions), then the per-component rules that a table cannot say
//! (components.md §5–7).

use super::{Ctx, one_of, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::flow::expr::{self, PropText};
use crate::flow::json::{Member, Node, Span, Value};
use crate::flow::model::{Children, Component};
use crate::flow::path::{At, Path};
use crate::flow::spec::{self, Kind, Prop, Ty};
use crate::flow::version::v;

pub(super) fn check(ctx: &mut Ctx) {
    for screen in &ctx.flow.screens {
        for c in screen.children() {
            component(ctx, c, false);
        }
    }
}

fn component(ctx: &mut Ctx, c: &Component, in_form: bool) {
    let version = ctx.flow.version;
    let type_span = c.member("type").map_or(c.span.clone(), |m| m.value.span());
    let Some(kind) = c.kind else {
        match (c.type_name(), c.member("type")) {
            (_, None) if c.props.is_empty() && !matches!(c.children, Children::None) => {}
            (_, None) => ctx.push(if c.props.is_empty() {
                Diagnostic::error(
                    Code::InvalidPropertyType,
                    c.span.clone(),
                    &c.path,
                    "a component must be an object with a `type`",
                )
            } else {
                Diagnostic::error(
                    Code::MissingRequiredTypeProperty,
                    c.span.start..c.span.start + 1,
                    &c.path,
                    "the component has no `type`",
                )
                .help("add `\"type\"`, such as `\"type\": \"TextBody\"`")
            }),
            (Some(name), Some(_)) => {
                let mut d = Diagnostic::error(
                    Code::InvalidPropertyValue,
                    type_span,
                    &c.path.key("type"),
                    format!("`{name}` is not a Flow JSON component"),
                );
                if let Some(s) = suggest(name, spec::COMPONENTS.iter().map(|s| s.name)) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                ctx.push(d);
            }
            (None, Some(m)) => ctx.push(Diagnostic::error(
                Code::InvalidPropertyType,
                m.value.span(),
                &c.path.key("type"),
                "`type` must be a string naming a component",
            )),
        }
        return;
    };
    let spec = kind.spec();
    if version < spec.since {
        ctx.push(
            Diagnostic::error(
                Code::InvalidPropertyValue,
                type_span.clone(),
                &c.path.key("type"),
                format!(
                    "{} needs Flow JSON {}; this flow is {}",
                    spec.name, spec.since, version
                ),
            )
            .help(format!("raise `version` to \"{}\" or later", spec.since)),
        );
    }
    let members: Vec<&Member> = c.props.iter().filter(|m| m.key != "type").collect();
    props(
        ctx,
        spec.name,
        &members,
        spec.props,
        &At::Path(&c.path),
        None,
        in_form,
    );
    for prop in spec.props.iter().filter(|p| p.is_required(version)) {
        if !c.has_member(prop.name) && !members.iter().any(|m| m.key == prop.name) {
            ctx.push(
                Diagnostic::error(
                    Code::MissingRequiredProperty,
                    type_span.clone(),
                    &c.path,
                    format!("{} needs `{}`", spec.name, prop.name),
                )
                .help(match prop.doc {
                    "" => format!("add `\"{}\"`", prop.name),
                    doc => format!("add `\"{}\"`: {doc}", prop.name),
                }),
            );
        }
    }
    rules(ctx, kind, c);
    let in_form = in_form || kind == Kind::Form;
    for list in c.child_lists() {
        for child in list {
            component(ctx, child, in_form);
        }
    }
}

/// Checks the members of an object against a property table.
fn props(
    ctx: &mut Ctx,
    owner: &str,
    members: &[&Member],
    table: &'static [Prop],
    path: &At,
    required_anchor: Option<&Span>,
    in_form: bool,
) {
    let version = ctx.flow.version;
    for m in members {
        let mpath = path.key(&m.key);
        let Some(prop) = table.iter().find(|p| p.name == m.key) else {
            let mut d = Diagnostic::error(
                Code::InvalidPropertyKey,
                m.key_span(),
                &mpath,
                format!("`{}` is not a property of {owner}", m.key),
            );
            d = match suggest(&m.key, table.iter().map(|p| p.name)) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!(
                    "{owner} accepts {}",
                    one_of(&table.iter().map(|p| p.name).collect::<Vec<_>>())
                )),
            };
            ctx.push(d);
            continue;
        };
        if version < prop.since {
            ctx.push(
                Diagnostic::error(
                    Code::InvalidPropertyKey,
                    m.key_span(),
                    &mpath,
                    format!(
                        "`{}` on {owner} needs Flow JSON {}; this flow is {version}",
                        m.key, prop.since
                    ),
                )
                .help(format!(
                    "raise `version` to \"{}\" or remove `{}`",
                    prop.since, m.key
                )),
            );
            continue;
        }
        if prop.outside_form && in_form {
            continue; // reported by the Form rules
        }
        value(ctx, owner, prop, &m.value, &mpath);
    }
    let Some(anchor) = required_anchor else {
        return;
    };
    for prop in table {
        if prop.is_required(version) && !members.iter().any(|m| m.key == prop.name) {
            ctx.push(
                Diagnostic::error(
                    Code::MissingRequiredProperty,
                    anchor.clone(),
                    path,
                    format!("{owner} needs `{}`", prop.name),
                )
                .help(match prop.doc {
                    "" => format!("add `\"{}\"`", prop.name),
                    doc => format!("add `\"{}\"`: {doc}", prop.name),
                }),
            );
        }
    }
}

fn value(ctx: &mut Ctx, owner: &str, prop: &Prop, node: &Node, path: &At) {
    let version = ctx.flow.version;
    if prop.name == "condition" {
        if node.as_str().is_none() {
            ctx.push(Diagnostic::error(
                Code::InvalidPropertyType,
                node.span(),
                path,
                "`condition` must be a string such as `${form.agree} && (${data.age} >= 18)`",
            ));
        }
        return; // parsed and checked with the data model
    }
    if let Some(text) = node.as_str()
        && (expr::contains_reference(text) || !matches!(expr::classify(text), PropText::Literal))
    {
        if !prop.dynamic {
            ctx.push(
                Diagnostic::error(
                    Code::PatternMismatch,
                    node.span(),
                    path,
                    format!("`{}` of {owner} cannot be dynamic", prop.name),
                )
                .help("write a literal value here"),
            );
        }
        return; // references and expressions are checked with the data model (data.rs)
    }
    let type_error = |expected: &str| {
        let mut d = Diagnostic::error(
            Code::InvalidPropertyType,
            node.span(),
            path,
            format!(
                "`{}` of {owner} must be {expected}, not {}",
                prop.name,
                node.type_name()
            ),
        );
        if prop.dynamic {
            d = d.help("a literal of that type, or a `${data.…}` binding");
        }
        d
    };
    match prop.ty {
        Ty::Str => match node.as_str() {
            Some(s) => string(ctx, owner, prop, node, s, path),
            None => ctx.push(type_error("a string")),
        },
        Ty::Bool => {
            if node.as_bool().is_none() {
                ctx.push(type_error("a boolean"));
            }
        }
        Ty::Int => match &node.value {
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                let n = n.as_i64().unwrap_or(i64::MAX);
                if let Some((min, max)) = prop.range {
                    if n < min {
                        ctx.push(Diagnostic::error(
                            Code::MinimumValueRequired,
                            node.span(),
                            path,
                            format!("`{}` must be at least {min}", prop.name),
                        ));
                    } else if n > max {
                        ctx.push(Diagnostic::error(
                            Code::MaximumValueRequired,
                            node.span(),
                            path,
                            format!("`{}` must be at most {max}", prop.name),
                        ));
                    }
                } else if n < 0 {
                    ctx.push(Diagnostic::error(
                        Code::MinimumValueRequired,
                        node.span(),
                        path,
                        format!("`{}` cannot be negative", prop.name),
                    ));
                }
            }
            _ => ctx.push(type_error("an integer")),
        },
        Ty::Num => {
            if node.as_f64().is_none() {
                ctx.push(type_error("a number"));
            }
        }
        Ty::Enum(values) => match node.as_str() {
            Some(s) if values.contains(&s) => {}
            Some(s) => ctx.push(
                Diagnostic::error(
                    Code::InvalidEnumValue,
                    node.span(),
                    path,
                    format!("`{s}` is not a valid `{}`", prop.name),
                )
                .help(format!("use {}", one_of(values))),
            ),
            None => ctx.push(type_error("a string")),
        },
        Ty::Text => match &node.value {
            Value::String(s) => string(ctx, owner, prop, node, s, path),
            Value::Array(items) => {
                let mut total = 0;
                for (i, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(s) => {
                            total += s.chars().count();
                            if version >= v(6, 0) && s.trim().is_empty() {
                                ctx.push(blank(item, &path.index(i)));
                            }
                        }
                        None => ctx.push(Diagnostic::error(
                            Code::InvalidPropertyType,
                            item.span(),
                            &path.index(i),
                            "text lines must be strings",
                        )),
                    }
                }
                if let Some(max) = prop.max_chars
                    && total > max
                {
                    ctx.push(too_long(owner, prop, node, path, total, max));
                }
            }
            _ => ctx.push(type_error("a string or an array of strings")),
        },
        Ty::StrArray(allowed) => match &node.value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    match (item.as_str(), allowed) {
                        (Some(s), Some(values)) if !values.contains(&s) => ctx.push(
                            Diagnostic::error(
                                Code::InvalidEnumValue,
                                item.span(),
                                &path.index(i),
                                format!("`{s}` is not a valid value of `{}`", prop.name),
                            )
                            .help(format!("use {}", one_of(values))),
                        ),
                        (Some(_), _) => {}
                        (None, _) => ctx.push(Diagnostic::error(
                            Code::InvalidPropertyType,
                            item.span(),
                            &path.index(i),
                            format!("items of `{}` must be strings", prop.name),
                        )),
                    }
                }
            }
            _ => ctx.push(type_error("an array of strings")),
        },
        Ty::ObjArray { fields, min, max } => match &node.value {
            Value::Array(items) => {
                if items.len() < min {
                    ctx.push(Diagnostic::error(
                        Code::MinItemsRequired,
                        node.span(),
                        path,
                        format!(
                            "`{}` needs at least {min} item{}",
                            prop.name,
                            if min == 1 { "" } else { "s" }
                        ),
                    ));
                }
                if items.len() > max {
                    ctx.push(Diagnostic::error(
                        Code::MaxItemsRequired,
                        node.span(),
                        path,
                        format!(
                            "`{}` has {} items; at most {max} are allowed",
                            prop.name,
                            items.len()
                        ),
                    ));
                }
                let item_owner = format!("a `{}` item", prop.name);
                for (i, item) in items.iter().enumerate() {
                    let ipath = path.index(i);
                    if !item.is_object() {
                        ctx.push(Diagnostic::error(
                            Code::InvalidPropertyType,
                            item.span(),
                            &ipath,
                            format!("items of `{}` must be objects", prop.name),
                        ));
                        continue;
                    }
                    let members: Vec<&Member> = item.members().iter().collect();
                    props(
                        ctx,
                        &item_owner,
                        &members,
                        fields,
                        &ipath,
                        Some(&(item.span().start..item.span().start + 1)),
                        false,
                    );
                }
            }
            _ => ctx.push(type_error("an array of objects")),
        },
        Ty::Obj(fields) => match &node.value {
            Value::Object(members) => {
                let members: Vec<&Member> = members.iter().collect();
                props(
                    ctx,
                    &format!("`{}`", prop.name),
                    &members,
                    fields,
                    path,
                    Some(&(node.span().start..node.span().start + 1)),
                    false,
                );
            }
            _ => ctx.push(type_error("an object")),
        },
        Ty::Action(_) => {
            if !node.is_object() {
                ctx.push(type_error("an action object"));
            }
        }
        Ty::Children => ctx.push(type_error("an array of components")),
        Ty::Cases => ctx.push(type_error("an object of component arrays")),
        Ty::FormMap => {
            if !node.is_object() {
                ctx.push(type_error("an object keyed by input name"));
            }
        }
        Ty::StrOrRange | Ty::BoolOrRange => {
            let leaf_ok = |n: &Node| {
                if matches!(prop.ty, Ty::StrOrRange) {
                    n.as_str().is_some()
                } else {
                    n.as_bool().is_some()
                }
            };
            let leaf = if matches!(prop.ty, Ty::StrOrRange) {
                "a string"
            } else {
                "a boolean"
            };
            match &node.value {
                Value::Object(members) => {
                    for m in members {
                        if m.key != "start-date" && m.key != "end-date" {
                            ctx.push(Diagnostic::error(
                                Code::InvalidPropertyKey,
                                m.key_span(),
                                &path.key(&m.key),
                                format!("`{}` takes only `start-date` and `end-date`", prop.name),
                            ));
                        } else if !leaf_ok(&m.value) && !is_binding(&m.value) {
                            ctx.push(Diagnostic::error(
                                Code::InvalidPropertyType,
                                m.value.span(),
                                &path.key(&m.key),
                                format!("`{}` must be {leaf}", m.key),
                            ));
                        }
                    }
                }
                Value::String(s) if matches!(prop.ty, Ty::StrOrRange) => {
                    string(ctx, owner, prop, node, s, path);
                }
                _ if leaf_ok(node) => {}
                _ => ctx.push(type_error(&format!(
                    "{leaf} or a `{{start-date, end-date}}` object"
                ))),
            }
        }
        Ty::StrOrMap => match &node.value {
            Value::String(s) => string(ctx, owner, prop, node, s, path),
            Value::Object(_) => {}
            _ => ctx.push(type_error("a string or an object of per-file messages")),
        },
    }
}

fn is_binding(node: &Node) -> bool {
    node.as_str()
        .is_some_and(|s| !matches!(expr::classify(s), PropText::Literal))
}

fn string(ctx: &mut Ctx, owner: &str, prop: &Prop, node: &Node, s: &str, path: &At) {
    let version = ctx.flow.version;
    let is_text = prop.name == "text";
    if s.is_empty() && (version >= v(6, 0) || is_text) {
        ctx.push(
            Diagnostic::error(
                Code::MinCharsRequired,
                node.span(),
                path,
                format!("`{}` of {owner} is empty", prop.name),
            )
            .help(if is_text {
                "write some text, or remove the component"
            } else {
                "from Flow JSON 6.0 strings may not be empty: remove the property instead"
            }),
        );
        return;
    }
    if version >= v(6, 0) && s.trim().is_empty() {
        ctx.push(blank(node, path));
        return;
    }
    if let Some(max) = prop.max_chars {
        let count = s.chars().count();
        if count > max {
            ctx.push(too_long(owner, prop, node, path, count, max));
        }
    }
}

fn blank(node: &Node, path: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        Code::PatternMismatch,
        node.span(),
        path,
        "the value is blank (only whitespace)",
    )
    .help("from Flow JSON 6.0 strings must contain text: remove the property instead")
}

fn too_long(
    owner: &str,
    prop: &Prop,
    node: &Node,
    path: &At,
    count: usize,
    max: usize,
) -> Diagnostic {
    let message = format!(
        "`{}` of {owner} has {count} characters; the limit is {max}",
        prop.name
    );
    match prop.max_chars_error() {
        Some(error) if count <= error => Diagnostic::warning(Code::InvalidPropertyValue, node.span(), path, message)
            .help(format!(
                "Meta documents {max} characters, but other sources accept up to {error}: shorten it to be safe"
            )),
        _ => Diagnostic::error(Code::InvalidPropertyValue, node.span(), path, message)
            .help(format!("shorten it by {} characters", count - max)),
    }
}

/// Maps a span inside a string value to the source, when the string has no escapes.
pub(super) fn inner_span(node: &Node, text: &str, inner: &std::ops::Range<usize>) -> Span {
    let span = node.span();
    if span.len() == text.len() + 2 && inner.start <= inner.end && inner.end <= text.len() {
        let start = span.start + 1 + inner.start;
        start..(span.start + 1 + inner.end).max(start + 1).min(span.end)
    } else {
        span
    }
}

// ---------------------------------------------------------------------------------------
// Rules a property table cannot express.

fn rules(ctx: &mut Ctx, kind: Kind, c: &Component) {
    match kind {
        Kind::Footer => footer_captions(ctx, c),
        Kind::TextInput => {
            min_max(ctx, c, "min-chars", "max-chars");
            text_input_pattern(ctx, c);
        }
        Kind::TextBody | Kind::TextCaption
            if c.prop("text").is_some_and(Node::is_array)
                && c.prop("markdown").and_then(Node::as_bool) != Some(true) =>
        {
            // Meta documents arrays for markdown text only, but its own examples use
            // them without: a warning, not an error.
            ctx.push(
                Diagnostic::warning(
                    Code::InvalidPropertyType,
                    c.prop("text").map_or(c.span.clone(), |n| n.span()),
                    &c.path.key("text"),
                    "`text` is documented as an array of lines only when `markdown` is true",
                )
                .help("add `\"markdown\": true`, or join the lines into one string"),
            );
        }
        Kind::CheckboxGroup | Kind::ChipsSelector => {
            min_max(ctx, c, "min-selected-items", "max-selected-items");
            data_source(ctx, c);
        }
        Kind::RadioButtonsGroup | Kind::Dropdown => data_source(ctx, c),
        Kind::PhotoPicker => min_max(ctx, c, "min-uploaded-photos", "max-uploaded-photos"),
        Kind::DocumentPicker => min_max(ctx, c, "min-uploaded-documents", "max-uploaded-documents"),
        Kind::DatePicker => date_picker(ctx, c),
        Kind::CalendarPicker => calendar_picker(ctx, c),
        Kind::NavigationList => navigation_list(ctx, c),
        _ => {}
    }
}

fn int_prop<'a>(c: &'a Component, key: &str) -> Option<(i64, &'a Node)> {
    let node = c.prop(key)?;
    match &node.value {
        Value::Number(n) => n.as_i64().map(|n| (n, node)),
        _ => None,
    }
}

fn min_max(ctx: &mut Ctx, c: &Component, min_key: &str, max_key: &str) {
    if let (Some((min, node)), Some((max, max_node))) = (int_prop(c, min_key), int_prop(c, max_key))
        && min > max
    {
        ctx.push(
            Diagnostic::error(
                Code::MinValueGreaterThanMax,
                node.span(),
                &c.path.key(min_key),
                format!("`{min_key}` ({min}) is greater than `{max_key}` ({max})"),
            )
            .related(max_node.span(), &c.path.key(max_key), "maximum set here"),
        );
    }
}

fn footer_captions(ctx: &mut Ctx, c: &Component) {
    let left = c.member("left-caption");
    let right = c.member("right-caption");
    let center = c.member("center-caption");
    if let Some(center) = center
        && (left.is_some() || right.is_some())
    {
        ctx.push(
            Diagnostic::error(
                Code::NotKeywordSchemaValidationFailed,
                center.key_span(),
                &c.path.key("center-caption"),
                "`center-caption` cannot be combined with `left-caption` or `right-caption`",
            )
            .help(
                "use either `center-caption` alone, or `left-caption` and `right-caption` together",
            ),
        );
    }
    match (left, right) {
        (Some(m), None) => ctx.push(
            Diagnostic::error(
                Code::InvalidDependencies,
                m.key_span(),
                &c.path.key("left-caption"),
                "`left-caption` needs `right-caption`",
            )
            .help("add `right-caption`, or use `center-caption` alone"),
        ),
        (None, Some(m)) => ctx.push(
            Diagnostic::error(
                Code::InvalidDependencies,
                m.key_span(),
                &c.path.key("right-caption"),
                "`right-caption` needs `left-caption`",
            )
            .help("add `left-caption`, or use `center-caption` alone"),
        ),
        _ => {}
    }
}

fn text_input_pattern(ctx: &mut Ctx, c: &Component) {
    let Some(m) = c.member("pattern") else { return };
    let path = c.path.key("pattern");
    if ctx.flow.version < v(6, 2) {
        return; // reported as a too-new property
    }
    let input_type = c
        .prop("input-type")
        .and_then(Node::as_str)
        .unwrap_or("text");
    if !matches!(input_type, "text" | "number" | "password" | "passcode") {
        ctx.push(
            Diagnostic::error(
                Code::InvalidPropertyValueForCondition,
                m.key_span(),
                &path,
                format!("`pattern` cannot be used with input-type `{input_type}`"),
            )
            .help("`pattern` works with input-type text, number, password and passcode"),
        );
    }
    if c.member("helper-text").is_none() {
        ctx.push(
            Diagnostic::error(
                Code::MissingRequiredProperty,
                m.key_span(),
                &path,
                "a TextInput with `pattern` needs `helper-text`",
            )
            .help("add `helper-text` that tells the user the expected format"),
        );
    }
    if let Some(p) = m.value.as_str()
        && matches!(expr::classify(p), PropText::Literal)
        && let Err(e) = regex::Regex::new(p)
    {
        ctx.push(Diagnostic::error(
            Code::InvalidPropertyValueFormat,
            m.value.span(),
            &path,
            format!(
                "`pattern` is not a valid regular expression: {}",
                first_line(&e.to_string())
            ),
        ));
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .last()
        .unwrap_or(s)
        .trim()
        .trim_start_matches("error: ")
        .to_string()
}

fn data_source(ctx: &mut Ctx, c: &Component) {
    let Some(node) = c.prop("data-source") else {
        return;
    };
    let items = node.items();
    let path = c.path.key("data-source");
    let with_image = items.iter().filter(|i| i.get("image").is_some()).count();
    let with_color = items.iter().filter(|i| i.get("color").is_some()).count();
    if with_image > 0 && with_color > 0 {
        ctx.push(Diagnostic::error(
            Code::DataSourceItemsHaveBothImageAndColor,
            node.span(),
            &path,
            "items of one data-source use either images or colours, not both",
        ));
    }
    if c.kind == Some(Kind::Dropdown) && with_image > 0 && items.len() > 100 {
        ctx.push(Diagnostic::error(
            Code::MaxItemsRequired,
            node.span(),
            &path,
            format!(
                "a Dropdown with images may have at most 100 options; this one has {}",
                items.len()
            ),
        ));
    }
    let limit_kb = spec::item_image_limit_kb(ctx.flow.version);
    for (i, item) in items.iter().enumerate() {
        if let Some(img) = item.get("image").and_then(Node::as_str)
            && matches!(expr::classify(img), PropText::Literal)
            && img.len() / 4 * 3 > limit_kb * 1024
        {
            ctx.push(Diagnostic::error(
                Code::InvalidPropertyValue,
                item.get("image").map_or(item.span(), |n| n.span()),
                &path.index(i).key("image"),
                format!(
                    "the option image is about {} KB; the limit is {limit_kb} KB",
                    img.len() / 4 * 3 / 1024
                ),
            ));
        }
        if let Some(color) = item.get("color").and_then(Node::as_str)
            && !(color.len() == 7
                && color.starts_with('#')
                && color[1..].bytes().all(|b| b.is_ascii_hexdigit()))
            && !(color.len() == 6 && color.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            ctx.push(Diagnostic::error(
                Code::InvalidPropertyValueFormat,
                item.get("color").map_or(item.span(), |n| n.span()),
                &path.index(i).key("color"),
                format!("`{color}` is not a 6-digit hex colour such as `#25D366`"),
            ));
        }
        for trigger in ["on-select-action", "on-unselect-action"] {
            if item.get(trigger).is_some() && c.member(trigger).is_some() {
                ctx.push(Diagnostic::error(
                    Code::InvalidPropertyValue,
                    item.member(trigger).map_or(item.span(), |m| m.key_span()),
                    &path.index(i).key(trigger),
                    format!("`{trigger}` is set both on the component and on its items; use one or the other"),
                ));
            }
        }
    }
}

/// A date string of the right format for the flow's version, or a description of the
/// expected format.
fn date_ok(ctx: &Ctx, s: &str) -> Result<(), &'static str> {
    if ctx.flow.version >= v(5, 0) {
        if is_iso_date(s) {
            Ok(())
        } else {
            Err("a date \"YYYY-MM-DD\"")
        }
    } else if !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("a UTC timestamp in milliseconds (before Flow JSON 5.0)")
    }
}

/// Whether `s` is a real calendar date written `YYYY-MM-DD`. The calendar is jiff's, as in
/// the engine (`sim::checks::parse_date`), so the validator and the engine agree on dates.
pub fn is_iso_date(s: &str) -> bool {
    let shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shape && s.parse::<jiff::civil::Date>().is_ok()
}

fn check_dates(ctx: &mut Ctx, c: &Component, keys: &[&str], code: Code) {
    for key in keys {
        let Some(node) = c.prop(key) else { continue };
        let path = c.path.key(key);
        let check = |ctx: &mut Ctx, n: &Node, path: &Path| {
            if let Some(s) = n.as_str()
                && matches!(expr::classify(s), PropText::Literal)
                && let Err(expected) = date_ok(ctx, s)
            {
                ctx.push(Diagnostic::error(
                    code,
                    n.span(),
                    path,
                    format!("`{s}` is not {expected}"),
                ));
            }
        };
        match &node.value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(ctx, item, &path.index(i));
                }
            }
            Value::Object(members) => {
                for m in members {
                    check(ctx, &m.value, &path.key(&m.key));
                }
            }
            _ => check(ctx, node, &path),
        }
    }
    if let (Some(min), Some(max)) = (
        c.prop("min-date").and_then(Node::as_str),
        c.prop("max-date").and_then(Node::as_str),
    ) && date_ok(ctx, min).is_ok()
        && date_ok(ctx, max).is_ok()
        && date_key(min) > date_key(max)
    {
        ctx.push(Diagnostic::error(
            Code::InvalidDateRange,
            c.prop("min-date").map_or(c.span.clone(), |n| n.span()),
            &c.path.key("min-date"),
            format!("`min-date` ({min}) is after `max-date` ({max})"),
        ));
    }
}

/// Sort key for both date formats (ISO strings and millisecond timestamps).
fn date_key(s: &str) -> (usize, &str) {
    (s.len(), s)
}

fn date_picker(ctx: &mut Ctx, c: &Component) {
    check_dates(
        ctx,
        c,
        &["min-date", "max-date", "unavailable-dates", "init-value"],
        Code::InvalidPropertyValueFormat,
    );
}

fn calendar_picker(ctx: &mut Ctx, c: &Component) {
    check_dates(
        ctx,
        c,
        &["min-date", "max-date", "unavailable-dates"],
        Code::InvalidPropertyValueFormat,
    );
    check_dates(
        ctx,
        c,
        &["init-value"],
        Code::InvalidDateSingleInitValueFormat,
    );
    let range = c.prop("mode").and_then(Node::as_str) == Some("range");
    if !range {
        for key in ["title", "description", "min-days", "max-days"] {
            if let Some(m) = c.member(key) {
                ctx.push(
                    Diagnostic::error(
                        Code::UnexpectedCalendarPickerRangeModeProp,
                        m.key_span(),
                        &c.path.key(key),
                        format!(
                            "`{key}` only applies to a CalendarPicker with `\"mode\": \"range\"`"
                        ),
                    )
                    .help("add `\"mode\": \"range\"`, or remove it"),
                );
            }
        }
        for key in [
            "label",
            "helper-text",
            "required",
            "init-value",
            "error-message",
        ] {
            if let Some(m) = c.member(key)
                && m.value.is_object()
            {
                ctx.push(
                    Diagnostic::error(
                        Code::UnexpectedCalendarPickerRangeModeProp,
                        m.value.span(),
                        &c.path.key(key),
                        format!("`{key}` is a start/end object, which only range mode accepts"),
                    )
                    .help("add `\"mode\": \"range\"`, or give a single value"),
                );
            }
        }
    } else if let Some(init) = c.prop("init-value")
        && init
            .as_str()
            .is_some_and(|s| matches!(expr::classify(s), PropText::Literal))
    {
        ctx.push(Diagnostic::error(
            Code::MissingCalendarPickerRangeModeProp,
            init.span(),
            &c.path.key("init-value"),
            "in range mode `init-value` is an object `{\"start-date\": …, \"end-date\": …}`",
        ));
    }
    if let (Some((min, node)), Some((max, _))) = (int_prop(c, "min-days"), int_prop(c, "max-days"))
        && min > max
    {
        ctx.push(Diagnostic::error(
            Code::InvalidMinMaxDays,
            node.span(),
            &c.path.key("min-days"),
            format!("`min-days` ({min}) is greater than `max-days` ({max})"),
        ));
    }
    if let Some(unavailable) = c.prop("unavailable-dates") {
        let min = c
            .prop("min-date")
            .and_then(Node::as_str)
            .filter(|s| is_iso_date(s));
        let max = c
            .prop("max-date")
            .and_then(Node::as_str)
            .filter(|s| is_iso_date(s));
        for (i, item) in unavailable.items().iter().enumerate() {
            if let Some(d) = item.as_str().filter(|s| is_iso_date(s))
                && (min.is_some_and(|m| d < m) || max.is_some_and(|m| d > m))
            {
                ctx.push(Diagnostic::error(
                    Code::InvalidDateRange,
                    item.span(),
                    &c.path.key("unavailable-dates").index(i),
                    format!("unavailable date {d} lies outside `min-date`/`max-date`"),
                ));
            }
        }
    }
}

fn navigation_list(ctx: &mut Ctx, c: &Component) {
    let Some(items) = c.prop("list-items") else {
        return;
    };
    let path = c.path.key("list-items");
    let component_action = c.member("on-click-action");
    let large = c.prop("media-size").and_then(Node::as_str) == Some("large");
    let mut badge: Option<(usize, &Node)> = None;
    for (i, item) in items.items().iter().enumerate() {
        let ipath = path.index(i);
        let item_action = item.member("on-click-action");
        match (component_action, item_action) {
            (Some(_), Some(m)) => ctx.push(Diagnostic::error(
                Code::InvalidPropertyValue,
                m.key_span(),
                &ipath.key("on-click-action"),
                "`on-click-action` is set on the NavigationList and on this item; use one or the other",
            )),
            (None, None) if item.is_object() => ctx.push(
                Diagnostic::error(
                    Code::MissingRequiredProperty,
                    item.span().start..item.span().start + 1,
                    &ipath,
                    "this item has no `on-click-action`, and neither has the NavigationList",
                )
                .help("give every item an `on-click-action`, or one to the whole list"),
            ),
            _ => {}
        }
        if let Some(b) = item.get("badge") {
            if let Some((first, first_node)) = badge {
                ctx.push(
                    Diagnostic::error(
                        Code::InvalidPropertyValue,
                        b.span(),
                        &ipath.key("badge"),
                        "only one item of a NavigationList may have a badge",
                    )
                    .related(
                        first_node.span(),
                        &path.index(first).key("badge"),
                        "first badge here",
                    ),
                );
            } else {
                badge = Some((i, b));
            }
        }
        if let Some(m) = item.member("end")
            && large
        {
            ctx.push(Diagnostic::error(
                Code::InvalidPropertyValue,
                m.key_span(),
                &ipath.key("end"),
                "`end` cannot be combined with `\"media-size\": \"large\"`",
            ));
        }
        if let Some(tags) = item.get("tags") {
            if tags.items().len() > 3 {
                ctx.push(Diagnostic::error(
                    Code::MaxItemsRequired,
                    tags.span(),
                    &ipath.key("tags"),
                    format!(
                        "an item may have at most 3 tags; this one has {}",
                        tags.items().len()
                    ),
                ));
            }
            for (t, tag) in tags.items().iter().enumerate() {
                if tag.as_str().is_some_and(|s| s.chars().count() > 15) {
                    ctx.push(Diagnostic::error(
                        Code::InvalidPropertyValue,
                        tag.span(),
                        &ipath.key("tags").index(t),
                        "a tag may have at most 15 characters",
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_iso_date;
    use crate::sim::checks::parse_date;

    #[test]
    fn dates_are_what_the_engine_reads() {
        for (s, ok) in [
            ("2024-02-29", true),
            ("2000-02-29", true),
            ("2023-02-29", false),
            ("2100-02-29", false),
            ("2024-04-31", false),
            ("2024-13-01", false),
            ("2024-2-29", false),
            ("20240229", false),
            ("2024-02-29T00:00", false),
        ] {
            assert_eq!(is_iso_date(s), ok, "{s}");
            if ok {
                assert!(parse_date(s).is_some(), "{s}");
            }
        }
    }
}
