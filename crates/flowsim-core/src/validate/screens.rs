//! Screen rules: ids, terminal screens and Footers, per-screen limits, input names, Form,
//! If/Switch structure and placement rules (flow-json.md §2, components.md §5.19–5.24, §6).

use std::collections::HashMap;

use super::{Ctx, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::flow::json::Node;
use crate::flow::model::{Children, Component, Screen};
use crate::flow::spec::{Kind, LAYOUT, SCREEN_KEYS};
use crate::flow::version::v;

/// Meta's limit on components per screen, counting nested ones.
pub const MAX_COMPONENTS: usize = 50;
/// Maximum nesting of `If` components.
pub const MAX_IF_DEPTH: usize = 3;

pub(super) fn check(ctx: &mut Ctx) {
    let flow = ctx.flow;
    let mut seen: HashMap<&str, &Screen> = HashMap::new();
    for screen in &flow.screens {
        check_keys(ctx, screen);
        check_id(ctx, screen);
        if !screen.id.is_empty() {
            if let Some(first) = seen.get(screen.id.as_str()) {
                ctx.push(
                    Diagnostic::error(
                        Code::DuplicateScreenIds,
                        screen.id_span.clone(),
                        &screen.path.key("id"),
                        format!("screen id `{}` is used twice", screen.id),
                    )
                    .related(
                        first.id_span.clone(),
                        &first.path.key("id"),
                        "first used here",
                    )
                    .help("screen ids must be unique: rename one of them"),
                );
            } else {
                seen.insert(&screen.id, screen);
            }
        }
        check_layout(ctx, screen);
        check_terminal(ctx, screen);
        check_counts(ctx, screen);
        check_names(ctx, screen);
        check_forms(ctx, screen);
        for c in screen.children() {
            check_containers(ctx, c, 0);
        }
        check_placement(ctx, screen);
        check_sensitive(ctx, screen);
    }
    check_flow_terminals(ctx);
    check_carousels_per_flow(ctx);
}

fn check_keys(ctx: &mut Ctx, screen: &Screen) {
    let flow = ctx.flow;
    if !flow.screens.is_empty() && screen.members.is_empty() && screen.layout.is_none() {
        ctx.push(Diagnostic::error(
            Code::InvalidPropertyType,
            screen.span.clone(),
            &screen.path,
            "a screen must be an object with `id`, `title` and `layout`",
        ));
        return;
    }
    for m in &screen.members {
        let path = screen.path.key(&m.key);
        match SCREEN_KEYS.iter().find(|(k, _)| *k == m.key) {
            None => {
                let mut d = Diagnostic::error(
                    Code::InvalidPropertyKey,
                    m.key_span(),
                    &path,
                    format!("`{}` is not a screen property", m.key),
                );
                if let Some(s) = suggest(&m.key, SCREEN_KEYS.iter().map(|(k, _)| *k)) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                ctx.push(d);
                continue;
            }
            Some((_, since)) if flow.version < *since => {
                ctx.push(
                    Diagnostic::error(
                        Code::InvalidPropertyKey,
                        m.key_span(),
                        &path,
                        format!(
                            "screen property `{}` needs Flow JSON {since}; this flow is {}",
                            m.key, flow.version
                        ),
                    )
                    .help(format!(
                        "raise `version` to \"{since}\" or remove `{}`",
                        m.key
                    )),
                );
                continue;
            }
            Some(_) => {}
        }
        let expected = match m.key.as_str() {
            "id" | "title" => "string",
            "terminal" | "success" | "refresh_on_back" => "boolean",
            "data" | "layout" => "object",
            "sensitive" => "array",
            _ => continue,
        };
        if m.value.type_name() != expected {
            ctx.push(Diagnostic::error(
                Code::InvalidPropertyType,
                m.value.span(),
                &path,
                format!(
                    "screen property `{}` must be {} {expected}, not {}",
                    m.key,
                    super::article_for(expected),
                    m.value.type_name()
                ),
            ));
        }
    }
    if flow.version >= v(5, 0)
        && let Some(title) = screen.get("title").and_then(Node::as_str)
        && title.trim().is_empty()
    {
        ctx.push(
            Diagnostic::error(
                Code::PatternMismatch,
                screen
                    .get("title")
                    .map_or(screen.span.clone(), |n| n.span()),
                &screen.path.key("title"),
                "the screen title is blank",
            )
            .help("from Flow JSON 5.0 a screen title must contain text"),
        );
    }
    if screen.get("title").is_none() {
        ctx.push(
            Diagnostic::warning(
                Code::MissingRequiredProperty,
                screen.id_span.clone(),
                &screen.path,
                format!("screen `{}` has no `title`", screen.id),
            )
            .help("Meta's builder requires a title; it is shown in the top bar"),
        );
    }
}

fn check_id(ctx: &mut Ctx, screen: &Screen) {
    let path = screen.path.key("id");
    let Some(node) = screen.get("id") else {
        ctx.push(
            Diagnostic::error(
                Code::MissingRequiredProperty,
                screen.span.start..screen.span.start + 1,
                &screen.path,
                "the screen has no `id`",
            )
            .help("add an id such as `\"id\": \"WELCOME\"` (letters and underscores)"),
        );
        return;
    };
    let Some(id) = node.as_str() else { return };
    if id.is_empty() {
        ctx.push(Diagnostic::error(
            Code::MinCharsRequired,
            node.span(),
            &path,
            "the screen id is empty",
        ));
        return;
    }
    let pattern_ok =
        id.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_') && !id.bytes().all(|b| b == b'_');
    if !pattern_ok {
        ctx.push(
            Diagnostic::error(
                Code::PatternMismatch,
                node.span(),
                &path,
                format!("screen id `{id}` may only contain letters and underscores"),
            )
            .help(match id_suggestion(id) {
                Some(s) => format!("try `{s}`"),
                None => "rename it using letters and underscores only, e.g. `STEP_ONE`".into(),
            }),
        );
    }
    if id.eq_ignore_ascii_case("success") {
        ctx.push(
            Diagnostic::error(
                Code::ScreenIdIsReservedKeyword,
                node.span(),
                &path,
                format!(
                    "`{id}` is reserved: an endpoint answers with screen `SUCCESS` to end the flow"
                ),
            )
            .help("choose another id, such as `CONFIRMATION`"),
        );
    }
}

/// A valid id close to `id`: separators become underscores, digits and other characters
/// go. `None` when nothing sensible is left.
fn id_suggestion(id: &str) -> Option<String> {
    let mapped: String = id
        .chars()
        .filter_map(|c| match c {
            c if c.is_ascii_alphabetic() => Some(c),
            ' ' | '-' | '.' | '_' => Some('_'),
            _ => None,
        })
        .collect();
    let trimmed = mapped.trim_matches('_');
    let digits_dropped = id.chars().any(|c| c.is_ascii_digit());
    (!trimmed.is_empty() && !digits_dropped && trimmed != id).then(|| trimmed.to_string())
}

fn check_layout(ctx: &mut Ctx, screen: &Screen) {
    let Some(layout) = &screen.layout else {
        if screen.get("layout").is_none() {
            ctx.push(
                Diagnostic::error(
                    Code::MissingRequiredProperty,
                    screen.id_span.clone(),
                    &screen.path,
                    format!("screen `{}` has no `layout`", screen.id),
                )
                .help(
                    "add `\"layout\": { \"type\": \"SingleColumnLayout\", \"children\": [ … ] }`",
                ),
            );
        }
        return;
    };
    let mut has_type = false;
    for m in &layout.members {
        let path = layout.path.key(&m.key);
        match m.key.as_str() {
            "type" => {
                has_type = true;
                if m.value.as_str() != Some(LAYOUT) {
                    ctx.push(
                        Diagnostic::error(
                            Code::InvalidPropertyValue,
                            m.value.span(),
                            &path,
                            "the layout type must be `SingleColumnLayout`",
                        )
                        .help("`SingleColumnLayout` is the only public layout"),
                    );
                }
            }
            "children" => ctx.push(Diagnostic::error(
                Code::InvalidPropertyType,
                m.value.span(),
                &path,
                "`children` must be an array of components",
            )),
            other => ctx.push(Diagnostic::error(
                Code::InvalidPropertyKey,
                m.key_span(),
                &path,
                format!("`{other}` is not a layout property; a layout has `type` and `children`"),
            )),
        }
    }
    if !has_type {
        ctx.push(
            Diagnostic::error(
                Code::MissingRequiredProperty,
                layout.span.start..layout.span.start + 1,
                &layout.path,
                "the layout has no `type`",
            )
            .help("add `\"type\": \"SingleColumnLayout\"`"),
        );
    }
    if layout.children_span.is_none() && !layout.members.iter().any(|m| m.key == "children") {
        ctx.push(Diagnostic::error(
            Code::MissingRequiredProperty,
            layout.span.start..layout.span.start + 1,
            &layout.path,
            "the layout has no `children`",
        ));
    }
}

fn check_terminal(ctx: &mut Ctx, screen: &Screen) {
    let terminal = screen.is_terminal();
    let all = ctx.components(screen);
    if terminal && !all.iter().any(|c| c.kind == Some(Kind::Footer)) {
        ctx.push(
            Diagnostic::error(
                Code::MissingFooterOnTerminalScreen,
                screen.id_span.clone(),
                &screen.path,
                format!("terminal screen `{}` has no Footer", screen.id),
            )
            .help("add a Footer whose `on-click-action` completes the flow"),
        );
    }
    if let Some(m) = screen.member("success")
        && !terminal
    {
        ctx.push(
            Diagnostic::error(
                Code::NotKeywordSchemaValidationFailed,
                m.key_span(),
                &screen.path.key("success"),
                "`success` can only be set on terminal screens",
            )
            .help("remove `success`, or mark the screen `\"terminal\": true`"),
        );
    }
    if let Some(m) = screen.member("refresh_on_back")
        && m.value.as_bool() == Some(true)
        && !ctx.flow.is_endpoint_flow()
    {
        ctx.push(
            Diagnostic::error(
                Code::InvalidPropertyValue,
                m.value.span(),
                &screen.path.key("refresh_on_back"),
                "`refresh_on_back` needs an endpoint, but this flow has no `data_api_version`",
            )
            .help("remove it: without an endpoint, Back restores the previous screen as it was"),
        );
    }
    if terminal && all.iter().any(|c| c.kind == Some(Kind::NavigationList)) {
        ctx.push(Diagnostic::error(
            Code::InvalidComponentPlacement,
            screen.id_span.clone(),
            &screen.path,
            "a NavigationList cannot be used on a terminal screen",
        ));
    }
}

fn check_flow_terminals(ctx: &mut Ctx) {
    let flow = ctx.flow;
    if flow.screens.is_empty() {
        return;
    }
    let terminals: Vec<&Screen> = flow.screens.iter().filter(|s| s.is_terminal()).collect();
    if terminals.is_empty() {
        ctx.push(
            Diagnostic::error(
                Code::MissingTerminalScreen,
                flow.screens_span.clone(),
                &crate::flow::path::Path::root().key("screens"),
                "no screen is terminal, so the flow can never end",
            )
            .help("mark the last screen `\"terminal\": true` and give it a Footer that completes the flow"),
        );
    } else if !terminals
        .iter()
        .any(|s| s.get("success").and_then(Node::as_bool) != Some(false))
    {
        ctx.push(
            Diagnostic::error(
                Code::InvalidPropertyValue,
                terminals[0].member("success").map_or(terminals[0].id_span.clone(), |m| m.value.span()),
                &terminals[0].path.key("success"),
                "every terminal screen has `\"success\": false`; at least one must end successfully",
            )
            .help("set `\"success\": true` (the default) on the screen that ends the flow well"),
        );
    }
}

fn check_counts(ctx: &mut Ctx, screen: &Screen) {
    let all = ctx.components(screen);
    if all.len() > MAX_COMPONENTS {
        ctx.push(Diagnostic::error(
            Code::MaxAllowedComponentsPerScreen,
            screen.id_span.clone(),
            &screen.path,
            format!(
                "screen `{}` has {} components; WhatsApp allows at most {MAX_COMPONENTS} (nested ones count)",
                screen.id,
                all.len()
            ),
        ).help("split the screen in two"));
    }
    let mut counts: Vec<(Kind, Vec<&Component>)> = Vec::new();
    for c in all {
        if let Some(kind) = c.kind {
            match counts.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, list)) => list.push(c),
                None => counts.push((kind, vec![c])),
            }
        }
    }
    for (kind, list) in &counts {
        let Some(max) = kind.max_per_screen() else {
            continue;
        };
        // Branches of If/Switch are alternatives: count the fullest one.
        let shown = max_shown(screen.children(), *kind);
        if shown > max {
            let code = if *kind == Kind::Footer {
                Code::MoreThanOneFooter
            } else {
                Code::ComponentTypeMaxNumberPerScreen
            };
            let extra = list[max.min(list.len() - 1)];
            ctx.push(
                Diagnostic::error(
                    code,
                    extra.anchor(),
                    &extra.path,
                    format!(
                        "screen `{}` can show {shown} {} components at once; at most {max} allowed",
                        screen.id,
                        kind.name()
                    ),
                )
                .related(list[0].anchor(), &list[0].path, "first one here"),
            );
        }
    }
    let pickers: Vec<&&Component> = all
        .iter()
        .filter(|c| c.kind.is_some_and(Kind::is_picker))
        .collect();
    if pickers.len() > 1 {
        ctx.push(
            Diagnostic::error(
                Code::ComponentTypeMaxNumberPerScreen,
                pickers[1].anchor(),
                &pickers[1].path,
                "a screen may have only one PhotoPicker or DocumentPicker",
            )
            .related(pickers[0].anchor(), &pickers[0].path, "first picker here")
            .help("move the second picker to its own screen"),
        );
    }
    let forms: Vec<&&Component> = all.iter().filter(|c| c.kind == Some(Kind::Form)).collect();
    if ctx.flow.version >= v(7, 0) && forms.len() > 1 {
        ctx.push(Diagnostic::error(
            Code::ComponentTypeMaxNumberPerScreen,
            forms[1].anchor(),
            &forms[1].path,
            "from Flow JSON 7.0 a screen may have only one Form",
        ));
    }
}

/// How many components of `kind` can be on screen at once: the sum over a list, where an
/// If or a Switch contributes its fullest branch.
fn max_shown(list: &[Component], kind: Kind) -> usize {
    list.iter()
        .map(|c| match &c.children {
            Children::Branches { then, otherwise } => {
                max_shown(then, kind).max(otherwise.as_deref().map_or(0, |o| max_shown(o, kind)))
            }
            Children::Cases(cases) => cases
                .iter()
                .map(|case| max_shown(&case.children, kind))
                .max()
                .unwrap_or(0),
            Children::List(children) => max_shown(children, kind),
            Children::None => usize::from(c.kind == Some(kind)),
        })
        .sum()
}

fn check_carousels_per_flow(ctx: &mut Ctx) {
    let carousels: Vec<&Component> = ctx
        .flow
        .screens
        .iter()
        .flat_map(|s| ctx.components(s).iter().copied())
        .filter(|c| c.kind == Some(Kind::ImageCarousel))
        .collect();
    if carousels.len() > 3 {
        ctx.push(Diagnostic::error(
            Code::ComponentTypeMaxNumberPerScreen,
            carousels[3].anchor(),
            &carousels[3].path,
            format!(
                "the flow has {} ImageCarousels; at most 3 per flow are allowed",
                carousels.len()
            ),
        ));
    }
}

fn check_names(ctx: &mut Ctx, screen: &Screen) {
    let mut seen: HashMap<&str, &Component> = HashMap::new();
    for &c in ctx.components(screen) {
        let Some(kind) = c.kind else { continue };
        if !kind.is_input() && kind != Kind::NavigationList {
            continue;
        }
        let Some(name) = c.name() else { continue };
        if let Some(first) = seen.get(name) {
            let span = c.prop("name").map_or(c.anchor(), |n| n.span());
            let first_span = first.prop("name").map_or(first.span.clone(), |n| n.span());
            ctx.push(
                Diagnostic::error(
                    Code::DuplicateFormComponentNames,
                    span,
                    &c.path.key("name"),
                    format!(
                        "input name `{name}` is used twice on screen `{}`",
                        screen.id
                    ),
                )
                .related(first_span, &first.path.key("name"), "first used here")
                .help("names must be unique on a screen, counting every If/Switch branch"),
            );
        } else {
            seen.insert(name, c);
        }
    }
}

fn check_forms(ctx: &mut Ctx, screen: &Screen) {
    let version = ctx.flow.version;
    let all = ctx.components(screen);
    let has_form = all.iter().any(|c| c.kind == Some(Kind::Form));
    // Inputs outside any Form.
    let mut outside = Vec::new();
    for c in screen.children() {
        collect_outside_form(c, &mut outside);
    }
    for c in outside {
        let kind = c.kind.expect("collected inputs have a kind");
        if version < v(4, 0) && kind.needs_form_before_4() {
            ctx.push(
                Diagnostic::error(
                    Code::KeywordOneOf,
                    c.anchor(),
                    &c.path,
                    format!("before Flow JSON 4.0, {} must be defined inside parent 'Form'", kind.name()),
                )
                .help("wrap the screen's inputs in `{ \"type\": \"Form\", \"name\": \"form\", \"children\": [ … ] }`, or raise `version` to 4.0 or later"),
            );
        } else if version >= v(4, 0) && has_form {
            ctx.push(
                Diagnostic::error(
                    Code::ComponentsOutsideForm,
                    c.anchor(),
                    &c.path,
                    format!("{} is outside the screen's Form", kind.name()),
                )
                .help("when a screen has a Form, every input must be inside it: move it into the Form, or remove the Form"),
            );
        }
    }
    // Form-level checks.
    for form in all.iter().filter(|c| c.kind == Some(Kind::Form)) {
        let mut inner = Vec::new();
        if let Children::List(list) = &form.children {
            for c in list {
                c.walk(&mut |c| inner.push(c));
            }
        }
        for c in &inner {
            if c.kind == Some(Kind::Form) {
                ctx.push(Diagnostic::error(
                    Code::InvalidPropertyValue,
                    c.anchor(),
                    &c.path,
                    "a Form cannot contain another Form",
                ));
            }
            for key in ["init-value", "error-message"] {
                if let Some(m) = c.member(key) {
                    ctx.push(
                        Diagnostic::error(
                            Code::InvalidPropertyKey,
                            m.key_span(),
                            &c.path.key(key),
                            format!("`{key}` cannot be used on a component inside a Form"),
                        )
                        .help(format!(
                            "set it in the Form's `{key}s` instead, keyed by the input's name"
                        )),
                    );
                }
            }
        }
        let names: Vec<&str> = inner.iter().filter_map(|c| c.name()).collect();
        if let Some(init) = form.prop("init-values") {
            for m in init.members() {
                let target = inner.iter().find(|c| c.name() == Some(m.key.as_str()));
                let path = form.path.key("init-values").key(&m.key);
                match target {
                    Some(t) if t.kind.is_some_and(Kind::is_picker) => ctx.push(Diagnostic::error(
                        Code::NativeComponentInFormInitValues,
                        m.key_span(),
                        &path,
                        format!(
                            "`{}` is a {}; pickers cannot be initialised",
                            m.key,
                            t.type_name().unwrap_or("picker")
                        ),
                    )),
                    Some(_) => {}
                    None => {
                        let mut d = Diagnostic::warning(
                            Code::InvalidPropertyKey,
                            m.key_span(),
                            &path,
                            format!(
                                "`init-values` sets `{}`, but the Form has no input with that name",
                                m.key
                            ),
                        );
                        if let Some(s) = suggest(&m.key, names.iter().copied()) {
                            d = d.help(format!("did you mean `{s}`?"));
                        }
                        ctx.push(d);
                    }
                }
            }
        }
        if let Some(errors) = form.prop("error-messages") {
            for m in errors.members() {
                if !names.contains(&m.key.as_str()) {
                    ctx.push(Diagnostic::warning(
                        Code::InvalidPropertyKey,
                        m.key_span(),
                        &form.path.key("error-messages").key(&m.key),
                        format!(
                            "`error-messages` sets `{}`, but the Form has no input with that name",
                            m.key
                        ),
                    ));
                }
            }
        }
    }
}

fn collect_outside_form<'a>(c: &'a Component, out: &mut Vec<&'a Component>) {
    match c.kind {
        Some(Kind::Form) => {}
        Some(kind) if kind.is_input() => out.push(c),
        _ => {
            for list in c.child_lists() {
                for child in list {
                    collect_outside_form(child, out);
                }
            }
        }
    }
}

/// If/Switch structure, recursively. `depth` counts enclosing `If`s.
fn check_containers(ctx: &mut Ctx, c: &Component, depth: usize) {
    let version = ctx.flow.version;
    match (&c.kind, &c.children) {
        (Some(Kind::If), Children::Branches { then, otherwise }) => {
            let depth = depth + 1;
            if depth > MAX_IF_DEPTH {
                ctx.push(Diagnostic::error(
                    Code::MaximumIfNesting,
                    c.anchor(),
                    &c.path,
                    format!("If components are nested {depth} deep; at most {MAX_IF_DEPTH} levels are allowed"),
                ));
            }
            if then.is_empty() {
                ctx.push(Diagnostic::error(
                    Code::InvalidPropertyValue,
                    c.anchor(),
                    &c.path.key("then"),
                    "`then` must contain at least one component",
                ));
            }
            let footer_in = |list: &[Component]| list.iter().any(|x| x.kind == Some(Kind::Footer));
            let then_footer = footer_in(then);
            let else_footer = otherwise.as_deref().is_some_and(footer_in);
            if then_footer != else_footer {
                ctx.push(
                    Diagnostic::error(
                        Code::MissingFooterInIfElseBranches,
                        c.anchor(),
                        &c.path,
                        "a Footer inside an If must be in both `then` and `else`",
                    )
                    .help("add a Footer to the other branch, or move the Footer out of the If"),
                );
            }
            if (then_footer || else_footer) && depth > 1 {
                ctx.push(Diagnostic::error(
                    Code::InvalidPropertyValue,
                    c.anchor(),
                    &c.path,
                    "a Footer may only be inside a first-level If, not a nested one",
                ));
            }
            for (key, list) in [("then", Some(then)), ("else", otherwise.as_ref())] {
                for child in list.into_iter().flatten() {
                    if let Some(kind) = child.kind
                        && !kind.allowed_in_if(version)
                    {
                        ctx.push(Diagnostic::error(
                            Code::InvalidPropertyValue,
                            child.anchor(),
                            &child.path,
                            format!("{} is not allowed inside If (`{key}`)", kind.name()),
                        ));
                    }
                    check_containers(ctx, child, depth);
                }
            }
        }
        (Some(Kind::Switch), Children::Cases(cases)) => {
            if cases.is_empty() {
                ctx.push(
                    Diagnostic::error(
                        Code::EmptySwitchCases,
                        c.anchor(),
                        &c.path.key("cases"),
                        "`cases` is empty",
                    )
                    .help("add at least one case: `\"cases\": { \"value\": [ … ] }`"),
                );
            }
            let with_footer = cases
                .iter()
                .filter(|case| case.children.iter().any(|x| x.kind == Some(Kind::Footer)))
                .count();
            if with_footer > 0 && with_footer < cases.len() {
                ctx.push(
                    Diagnostic::error(
                        Code::MissingFooterInSwitchBranches,
                        c.anchor(),
                        &c.path,
                        "a Footer inside a Switch must be in every case",
                    )
                    .help("add a Footer to every case, or move it out of the Switch"),
                );
            }
            for case in cases {
                for child in &case.children {
                    if let Some(kind) = child.kind
                        && !kind.allowed_in_switch(version)
                    {
                        ctx.push(Diagnostic::error(
                            Code::InvalidPropertyValue,
                            child.anchor(),
                            &child.path,
                            format!("{} is not allowed inside Switch", kind.name()),
                        ));
                    }
                    check_containers(ctx, child, depth);
                }
            }
        }
        (Some(Kind::Form), Children::List(list)) => {
            for child in list {
                check_containers(ctx, child, depth);
            }
        }
        _ => {}
    }
}

fn check_placement(ctx: &mut Ctx, screen: &Screen) {
    let version = ctx.flow.version;
    let all = ctx.components(screen);
    let kinds: Vec<Kind> = all.iter().filter_map(|c| c.kind).collect();
    if let Some(rich) = all.iter().find(|c| c.kind == Some(Kind::RichText)) {
        let others = kinds
            .iter()
            .filter(|k| **k != Kind::RichText && !(version >= v(6, 3) && **k == Kind::Footer))
            .count();
        if others > 0 || kinds.iter().filter(|k| **k == Kind::RichText).count() > 1 {
            let allowed = if version >= v(6, 3) {
                "from 6.3 a RichText may only share its screen with a Footer"
            } else {
                "before 6.3 a RichText must be the only component on its screen"
            };
            ctx.push(
                Diagnostic::error(
                    Code::InvalidRichtextPlacement,
                    rich.anchor(),
                    &rich.path,
                    format!("RichText cannot be combined with other components here: {allowed}"),
                )
                .help("move the other components to another screen, or use TextBody with `markdown: true`"),
            );
        }
    }
    if let Some(list) = all.iter().find(|c| c.kind == Some(Kind::NavigationList))
        && kinds.iter().any(|k| *k != Kind::NavigationList)
    {
        ctx.push(
            Diagnostic::error(
                Code::InvalidComponentPlacement,
                list.anchor(),
                &list.path,
                "a screen with a NavigationList cannot contain any other component",
            )
            .help("move the other components (including any Footer) to another screen"),
        );
    }
}

fn check_sensitive(ctx: &mut Ctx, screen: &Screen) {
    let Some(node) = screen.get("sensitive") else {
        return;
    };
    let names: Vec<&str> = ctx
        .components(screen)
        .iter()
        .filter_map(|c| c.name())
        .collect();
    for (i, item) in node.items().iter().enumerate() {
        let path = screen.path.key("sensitive").index(i);
        match item.as_str() {
            Some(name) if names.contains(&name) => {}
            Some(name) => {
                let mut d = Diagnostic::error(
                    Code::InvalidSensitiveField,
                    item.span(),
                    &path,
                    format!(
                        "`{name}` is listed as sensitive, but screen `{}` has no input with that name",
                        screen.id
                    ),
                );
                if let Some(s) = suggest(name, names.iter().copied()) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                ctx.push(d);
            }
            None => ctx.push(Diagnostic::error(
                Code::InvalidPropertyType,
                item.span(),
                &path,
                "`sensitive` must list input names as strings",
            )),
        }
    }
}
