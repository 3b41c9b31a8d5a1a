//! The Flow JSON validator: Meta's rules (flow-json.md §1–6, components.md §2–7) checked
//! offline, reported with Meta's error codes and exact source locations.
//!
//! Each rule family lives in its own module and pushes [`Diagnostic`]s into a shared
//! `Ctx`. Where Meta's behaviour is unknown the rules prefer a warning to a false error.

mod actions;
mod data;
mod document;
mod routing;
mod schema;
mod screens;

use crate::diagnostic::{Code, Diagnostic};
use crate::flow::json;
use crate::flow::model::{Component, Flow, Screen};
use crate::flow::path::Path;
use crate::flow::source::Source;

/// Meta's size limit for a Flow JSON document (flow-json.md §1.1).
pub const MAX_FLOW_BYTES: u64 = 10 * 1024 * 1024;

/// The outcome of loading a source: the model when the text is a JSON object, and every
/// finding about it.
#[derive(Debug)]
pub struct Checked {
    pub flow: Option<Flow>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The finding about the version's lifecycle (frozen, expired), which the commands that
    /// run a flow (preview, render, test) show while they run it.
    pub fn version_state(&self) -> Option<&Diagnostic> {
        self.diagnostics
            .iter()
            .find(|d| d.code == document::VERSION_STATE)
    }
}

/// Parses and validates a source.
pub fn check(source: &Source) -> Checked {
    let root = match json::parse(&source.text) {
        Ok(root) => root,
        Err(e) => {
            let empty = source.text.trim().is_empty();
            let (message, help) = if empty {
                (
                    e.message,
                    "start with `{ \"version\": \"7.3\", \"screens\": [ … ] }`",
                )
            } else if e.message.contains("nesting depth") {
                (
                    format!(
                        "the file is not valid JSON: {}",
                        lowercase_first(&e.message)
                    ),
                    "Flow JSON never nests this deep: look for a runaway bracket",
                )
            } else {
                (
                    format!(
                        "the file is not valid JSON: {}",
                        lowercase_first(&e.message)
                    ),
                    "fix the JSON syntax at this position",
                )
            };
            return Checked {
                flow: None,
                diagnostics: vec![
                    Diagnostic::error(Code::InvalidFlowJson, e.span, &Path::root(), message)
                        .help(help),
                ],
            };
        }
    };
    if !root.is_object() {
        return Checked {
            flow: None,
            diagnostics: vec![
                Diagnostic::error(
                    Code::InvalidFlowJson,
                    root.span(),
                    &Path::root(),
                    format!(
                        "a Flow JSON document is a JSON object, but this file holds {} {}",
                        article_for(root.type_name()),
                        root.type_name()
                    ),
                )
                .help("start the file with `{ \"version\": \"7.3\", \"screens\": [ … ] }`"),
            ],
        };
    }
    let flow = Flow::from_node(root);
    let diagnostics = validate(&flow);
    Checked {
        flow: Some(flow),
        diagnostics,
    }
}

/// Runs every rule family over a flow. Errors come first, then warnings, each in source
/// order.
pub fn validate(flow: &Flow) -> Vec<Diagnostic> {
    let components: Vec<Vec<&Component>> =
        flow.screens.iter().map(Screen::all_components).collect();
    let mut ctx = Ctx {
        flow,
        components: &components,
        diags: Vec::new(),
    };
    document::check(&mut ctx);
    screens::check(&mut ctx);
    schema::check(&mut ctx);
    data::check(&mut ctx);
    actions::check(&mut ctx);
    routing::check(&mut ctx);
    let mut diags = ctx.diags;
    diags.sort_by(|a, b| {
        (a.severity, a.span.start, a.code.as_str()).cmp(&(
            b.severity,
            b.span.start,
            b.code.as_str(),
        ))
    });
    diags.dedup();
    diags
}

/// Shared state of one validation run.
pub(crate) struct Ctx<'a> {
    pub flow: &'a Flow,
    /// Every screen's components, nested ones included ([`Screen::all_components`]), by
    /// screen index: the rules ask for them often, so the tree is walked once.
    components: &'a [Vec<&'a Component>],
    pub diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// The components of a screen of this flow, depth first, including all branches.
    pub fn components(&self, screen: &Screen) -> &'a [&'a Component] {
        &self.components[screen.index]
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub fn article_for(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The closest candidate to `word`, for "did you mean" hints.
pub(crate) fn suggest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Quoted, comma-separated list for messages: `` `a`, `b` or `c` ``.
pub(crate) fn one_of(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [init @ .., last] => format!(
            "{} or `{last}`",
            init.iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
