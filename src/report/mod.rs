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

/// Renders the findings about one file.
pub fn render(format: Format, source: &Source, diagnostics: &[Diagnostic], color: bool) -> String {
    match format {
        Format::Human => human(source, diagnostics, color),
        Format::Json => json(source, diagnostics),
        Format::Github => github(source, diagnostics),
    }
}
