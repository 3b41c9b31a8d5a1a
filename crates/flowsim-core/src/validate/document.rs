//! Top-level rules: known keys, `version`, `data_api_version`, `routing_model` presence and
//! the number of screens (flow-json.md §1.2–1.6).

use super::{Ctx, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::flow::json::Node;
use crate::flow::path::Path;
use crate::flow::spec::{self, MAX_SCREENS};
use crate::flow::version::{self, State, Version, v};

const ROOT_KEYS: &[&str] = &[
    "version",
    "screens",
    "data_api_version",
    "routing_model",
    "data_channel_uri",
    "meta",
];

pub(super) fn check(ctx: &mut Ctx) {
    let flow = ctx.flow;
    let root = Path::root();
    for m in &flow.members {
        let path = root.key(&m.key);
        match m.key.as_str() {
            "data_channel_uri" if flow.version >= v(3, 0) => ctx.push(
                Diagnostic::error(
                    Code::InvalidPropertyKey,
                    m.key_span(),
                    &path,
                    "`data_channel_uri` is no longer supported as of Flow JSON 3.0",
                )
                .help("remove it and set the endpoint URL in the Flow Builder or as `endpoint_uri` through the Flows API"),
            ),
            "data_channel_uri" => {
                let ok = m
                    .value
                    .as_str()
                    .is_some_and(|s| spec::URL_SCHEMES.iter().any(|p| s.starts_with(p)));
                if !ok {
                    ctx.push(Diagnostic::error(
                        Code::InvalidPropertyValueFormat,
                        m.value.span(),
                        &path,
                        "`data_channel_uri` must be a URI such as `https://example.com/flow`",
                    ));
                }
            }
            "screens" => ctx.push(Diagnostic::error(
                Code::InvalidPropertyType,
                m.value.span(),
                &path,
                format!("`screens` must be an array of screens, not {}", m.value.type_name()),
            )),
            "routing_model" if !m.value.is_object() => ctx.push(Diagnostic::error(
                Code::InvalidPropertyType,
                m.value.span(),
                &path,
                "`routing_model` must be an object mapping each screen id to the screens it leads to",
            )),
            "meta" if !m.value.is_object() => ctx.push(Diagnostic::error(
                Code::InvalidPropertyType,
                m.value.span(),
                &path,
                "`meta` must be an object",
            )),
            "version" | "data_api_version" | "routing_model" | "meta" => {}
            other => {
                let mut d = Diagnostic::error(
                    Code::InvalidPropertyKey,
                    m.key_span(),
                    &path,
                    format!("`{other}` is not a Flow JSON top-level property"),
                );
                if let Some(s) = suggest(other, ROOT_KEYS.iter().copied()) {
                    d = d.help(format!("did you mean `{s}`?"));
                } else {
                    d = d.help("top-level properties are `version`, `screens`, `data_api_version` and `routing_model`");
                }
                ctx.push(d);
            }
        }
    }
    check_version(ctx);
    check_data_api(ctx);
    check_screen_count(ctx);
}

fn check_version(ctx: &mut Ctx) {
    let flow = ctx.flow;
    let path = Path::root().key("version");
    let Some(member) = flow.member("version") else {
        ctx.push(
            Diagnostic::error(
                Code::MissingFlowJsonVersion,
                flow.span.start..flow.span.start + 1,
                &Path::root(),
                "the flow has no `version`",
            )
            .help(format!(
                "add `\"version\": \"{}\"` (the newest version) at the top",
                version::NEWEST
            )),
        );
        return;
    };
    let node: &Node = &member.value;
    let Some(text) = node.as_str() else {
        ctx.push(
            Diagnostic::error(
                Code::InvalidFlowJsonVersion,
                node.span(),
                &path,
                format!(
                    "`version` must be a string such as \"7.3\", not {}",
                    node.type_name()
                ),
            )
            .help("put the version in quotes"),
        );
        return;
    };
    match Version::parse(text) {
        None => ctx.push(
            Diagnostic::error(
                Code::InvalidFlowJsonVersion,
                node.span(),
                &path,
                format!("`{text}` is not a Flow JSON version"),
            )
            .help(format!("use a version like \"{}\"", version::NEWEST)),
        ),
        Some(v) if v.is_known() => {
            if let Some(d) = lifecycle(v, v.state(), node, &path) {
                ctx.push(d);
            }
        }
        Some(v) if v > version::NEWEST => ctx.push(
            Diagnostic::warning(
                Code::InvalidFlowJsonVersion,
                node.span(),
                &path,
                format!(
                    "flowsim does not know Flow JSON {v} yet; it is checked and run as {}",
                    version::NEWEST
                ),
            )
            .help("update flowsim, or check Meta's changelog for what this version changed"),
        ),
        Some(v) => ctx.push(
            Diagnostic::error(
                Code::InvalidFlowJsonVersion,
                node.span(),
                &path,
                format!("Flow JSON {v} does not exist or is no longer supported"),
            )
            .help(format!(
                "known versions are {}",
                version::KNOWN
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        ),
    }
}

/// The code of findings about a version's lifecycle.
pub(super) const VERSION_STATE: Code = Code::InvalidFlowJsonVersionState;

/// What Meta does with a flow on a version that is no longer active: a frozen version is
/// a warning (the flow runs, but publishing it is refused), an expired one an error.
fn lifecycle(v: Version, state: State, node: &Node, path: &Path) -> Option<Diagnostic> {
    let migrate = format!(
        "migrate to \"{}\", the newest version (see Meta's changelog for what changed since {v})",
        version::NEWEST
    );
    match state {
        State::Active => None,
        State::Frozen { since } => Some(
            Diagnostic::warning(
                VERSION_STATE,
                node.span(),
                path,
                format!(
                    "Flow JSON {v} is frozen since {since}: Meta refuses to publish a flow on it (error 139002); published flows are still sent and opened"
                ),
            )
            .help(migrate),
        ),
        State::Expired { since } => Some(
            Diagnostic::error(
                VERSION_STATE,
                node.span(),
                path,
                format!(
                    "Flow JSON {v} expired on {since}: flows on it can no longer be sent or opened"
                ),
            )
            .help(migrate),
        ),
    }
}

fn check_data_api(ctx: &mut Ctx) {
    let flow = ctx.flow;
    let root = Path::root();
    if let Some(m) = flow.member("data_api_version") {
        let path = root.key("data_api_version");
        match m.value.as_str() {
            Some(api) if spec::data_api_versions(flow.version).contains(&api) => {}
            Some("4.0") => ctx.push(
                Diagnostic::error(
                    Code::InvalidDataApiVersion,
                    m.value.span(),
                    &path,
                    format!(
                        "Data API 4.0 needs Flow JSON 7.3 or newer; this flow is {}",
                        flow.version
                    ),
                )
                .help("use \"3.0\", or raise `version` to \"7.3\""),
            ),
            Some(other) => ctx.push(
                Diagnostic::error(
                    Code::InvalidDataApiVersion,
                    m.value.span(),
                    &path,
                    format!("`{other}` is not a Data API version"),
                )
                .help("use \"3.0\" (or \"4.0\" with Flow JSON 7.3)"),
            ),
            None => ctx.push(Diagnostic::error(
                Code::InvalidDataApiVersion,
                m.value.span(),
                &path,
                format!(
                    "`data_api_version` must be a string such as \"3.0\", not {}",
                    m.value.type_name()
                ),
            )),
        }
        if flow.routing_model.is_none() {
            ctx.push(
                Diagnostic::error(
                    Code::MissingRequiredProperty,
                    m.key_span(),
                    &path,
                    "an endpoint flow (one with `data_api_version`) needs a `routing_model`",
                )
                .help("add `\"routing_model\": { \"FIRST\": [\"NEXT\"], … }` listing each screen's forward routes"),
            );
        }
    }
}

fn check_screen_count(ctx: &mut Ctx) {
    let flow = ctx.flow;
    let path = Path::root().key("screens");
    match flow.member("screens") {
        Some(_) => {} // wrong type, reported above
        None if flow.screens.is_empty() && flow.screens_span == flow.span => ctx.push(
            Diagnostic::error(
                Code::MissingRequiredProperty,
                flow.span.start..flow.span.start + 1,
                &Path::root(),
                "the flow has no `screens`",
            )
            .help(
                "add `\"screens\": [ { \"id\": \"FIRST\", \"title\": \"…\", \"layout\": { … } } ]`",
            ),
        ),
        None if flow.screens.is_empty() => ctx.push(Diagnostic::error(
            Code::MinItemsRequired,
            flow.screens_span.clone(),
            &path,
            "a flow needs at least one screen",
        )),
        None if flow.screens.len() > MAX_SCREENS => ctx.push(Diagnostic::error(
            Code::MaxScreensNumber,
            flow.screens_span.clone(),
            &path,
            format!(
                "the flow has {} screens; WhatsApp allows at most {MAX_SCREENS}",
                flow.screens.len()
            ),
        )),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version_node() -> Node {
        crate::flow::json::parse("\"3.0\"").expect("JSON")
    }

    #[test]
    fn an_expired_version_is_an_error_and_a_frozen_one_a_warning() {
        let node = version_node();
        let path = Path::root().key("version");
        let expired = lifecycle(
            v(3, 0),
            State::Expired {
                since: "1 May 2030",
            },
            &node,
            &path,
        )
        .expect("a finding");
        assert!(expired.is_error());
        assert_eq!(expired.code, Code::InvalidFlowJsonVersionState);
        assert!(
            expired.message.contains("expired on 1 May 2030"),
            "{}",
            expired.message
        );
        let frozen = lifecycle(v(3, 0), v(3, 0).state(), &node, &path).expect("a finding");
        assert!(!frozen.is_error());
        for part in ["frozen since 8 April 2025", "139002", "still sent"] {
            assert!(frozen.message.contains(part), "{part}: {}", frozen.message);
        }
        assert!(
            frozen
                .help
                .as_deref()
                .is_some_and(|h| h.contains("\"7.3\""))
        );
        assert!(lifecycle(v(7, 3), State::Active, &node, &path).is_none());
    }
}
