//! Diagnostics: a code from Meta's catalogue, a message, and where in the source it applies.

use crate::flow::json::Span;
use crate::flow::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding about a flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Meta's error code (`DUPLICATE_SCREEN_IDS`, …), so tools built for the Flows API's
    /// answers can read ours.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// The JSON path of the offending value (`screens[0].layout.children[2].type`).
    pub path: Box<str>,
    /// How to fix it.
    pub help: Option<Box<str>>,
    /// Other places that explain the finding ("first defined here").
    pub related: Vec<Related>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub span: Span,
    pub path: String,
    pub message: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            path: path.to_string().into(),
            help: None,
            related: Vec::new(),
        }
    }

    pub fn warning(
        code: &'static str,
        span: Span,
        path: &Path,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, path, message)
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into().into());
        self
    }

    pub fn related(mut self, span: Span, path: &Path, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            path: path.to_string(),
            message: message.into(),
        });
        self
    }

    /// The same finding as a warning, with why it is not an error added to the help.
    pub fn into_warning(mut self, why: impl Into<String>) -> Self {
        self.severity = Severity::Warning;
        let why = why.into();
        self.help = Some(match self.help.take() {
            Some(help) => format!("{help}; {why}").into(),
            None => why.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
