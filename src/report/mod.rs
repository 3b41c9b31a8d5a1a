//! Reporters for validation findings: human (rustc style), JSON (the Flows API's shape) and
//! GitHub Actions annotations.

mod github;
mod human;
mod json;

pub use github::github;
pub use human::{human, summary};
pub use json::{escape_unsafe, json};

use flowsim_core::diagnostic::Diagnostic;
use flowsim_core::flow::source::Source;

/// Output formats of `flowsim validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source excerpts with the problem underlined, for people.
    Human,
    /// One JSON object per file per line, in the Flows API's `validation_errors` shape.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

/// One finding on one line (`warning[CODE]: file:line:column: message; help`), for the
/// commands that run a flow and mention on standard error what matters about it.
pub fn line(source: &Source, d: &Diagnostic) -> String {
    let (start, _) = source.range(&d.span);
    let level = if d.is_error() { "error" } else { "warning" };
    let mut text = format!(
        "{level}[{}]: {}:{}:{}: {}",
        d.code, source.name, start.line, start.column, d.message
    );
    if let Some(help) = &d.help {
        text.push_str("; ");
        text.push_str(help);
    }
    flowsim_core::text::sanitize(&text)
}

/// Renders the findings about one file.
pub fn render(format: Format, source: &Source, diagnostics: &[Diagnostic], color: bool) -> String {
    match format {
        Format::Human => human(source, diagnostics, color),
        Format::Json => json(source, diagnostics),
        Format::Github => github(source, diagnostics),
    }
}
