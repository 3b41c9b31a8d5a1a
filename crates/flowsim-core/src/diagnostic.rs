//! Diagnostics: a code from Meta's catalogue, a message, and where in the source it applies.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use crate::flow::json::Span;

/// Meta's error codes that flowsim reports, printed as Meta names them
/// (`DUPLICATE_SCREEN_IDS`, …) so tools built for the Flows API's answers can read ours.
/// Parsing a name gives its variant, or [`Code::Meta`] for a code flowsim never reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    ComponentsOutsideForm,
    ComponentTypeMaxNumberPerScreen,
    DataSourceItemsHaveBothImageAndColor,
    DuplicateFormComponentNames,
    DuplicateScreenIds,
    EmptySwitchCases,
    InvalidActionPayloadProperty,
    InvalidCompleteAction,
    InvalidComponentPlacement,
    InvalidDataApiVersion,
    InvalidDateRange,
    InvalidDateSingleInitValueFormat,
    InvalidDependencies,
    InvalidEnumValue,
    InvalidFlowJson,
    InvalidFlowJsonVersion,
    InvalidFlowJsonVersionState,
    InvalidMinMaxDays,
    InvalidNavigateActionNextScreenName,
    InvalidNavigateActionPayload,
    InvalidOnClickActionPayload,
    InvalidPropertyKey,
    InvalidPropertyType,
    InvalidPropertyValue,
    InvalidPropertyValueFormat,
    InvalidPropertyValueForCondition,
    InvalidRichtextPlacement,
    InvalidRoutingModel,
    InvalidScreenData,
    InvalidScreenDynamicData,
    InvalidSensitiveField,
    InvalidTextDynamicData,
    InvalidUpdateDataActionPayload,
    KeywordOneOf,
    MaximumIfNesting,
    MaximumValueRequired,
    MaxAllowedComponentsPerScreen,
    MaxItemsRequired,
    MaxScreensNumber,
    MinimumValueRequired,
    MinCharsRequired,
    MinItemsRequired,
    MinValueGreaterThanMax,
    MissingCalendarPickerRangeModeProp,
    MissingFlowJsonVersion,
    MissingFooterInIfElseBranches,
    MissingFooterInSwitchBranches,
    MissingFooterOnTerminalScreen,
    MissingNavigationActionPayload,
    MissingRequiredProperty,
    MissingRequiredTypeProperty,
    MissingTerminalScreen,
    MoreThanOneFooter,
    NativeComponentInFormInitValues,
    NotKeywordSchemaValidationFailed,
    PatternMismatch,
    ScreenIdIsReservedKeyword,
    UnexpectedCalendarPickerRangeModeProp,
    /// flowsim's own advice (`flowsim lint`), beyond Meta's rules. Never parsed: names from
    /// Meta's answers are Meta's.
    #[strum(transparent, disabled)]
    Lint(LintCode),
    /// A code from Meta's answers that flowsim does not report itself.
    #[strum(default, transparent)]
    Meta(MetaCode),
}

/// The codes of `flowsim lint`: lower-case, so they never read as one of Meta's.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "kebab-case")]
pub enum LintCode {
    UnusedInput,
    UnreachableScreen,
    NeverCompletes,
    HiddenRequired,
    MissingAltText,
    TruncatedText,
    LongScreen,
    FrozenVersion,
}

impl Code {
    /// The code's name: Meta's, or flowsim's own for lint advice.
    pub fn as_str(self) -> &'static str {
        match self {
            // strum leaves the variant it never parses out of its names too.
            Code::Lint(lint) => lint.into(),
            code => code.into(),
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name of a code from Meta's answers, stored once for each distinct name so that codes
/// stay `Copy` and as small as a pointer. Past 512 distinct names, further ones read
/// `META_VALIDATION_ERROR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MetaCode(&'static String);

impl From<&str> for MetaCode {
    fn from(name: &str) -> Self {
        const MAX_CODES: usize = 512;
        static CODES: OnceLock<Mutex<HashMap<&'static str, &'static String>>> = OnceLock::new();
        let mut codes = CODES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let name = if codes.len() >= MAX_CODES && !codes.contains_key(name) {
            "META_VALIDATION_ERROR"
        } else {
            name
        };
        if let Some(c) = codes.get(name) {
            return MetaCode(c);
        }
        let leaked: &'static String = Box::leak(Box::new(name.to_string()));
        codes.insert(leaked.as_str(), leaked);
        MetaCode(leaked)
    }
}

impl From<&MetaCode> for &'static str {
    fn from(code: &MetaCode) -> Self {
        code.0.as_str()
    }
}

impl fmt::Display for MetaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding about a flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Meta's error code.
    pub code: Code,
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
    /// `path`: a [`Path`](crate::flow::path::Path), or a place not made yet
    /// ([`At`](crate::flow::path::At)).
    pub fn error(
        code: Code,
        span: Span,
        path: &dyn std::fmt::Display,
        message: impl Into<String>,
    ) -> Self {
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
        code: Code,
        span: Span,
        path: &dyn std::fmt::Display,
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

    pub fn related(
        mut self,
        span: Span,
        path: &dyn std::fmt::Display,
        message: impl Into<String>,
    ) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_print_and_parse_as_meta_names_them() {
        for code in [
            Code::DuplicateScreenIds,
            Code::InvalidFlowJsonVersionState,
            Code::DataSourceItemsHaveBothImageAndColor,
            Code::MissingFooterInIfElseBranches,
        ] {
            assert_eq!(code.as_str().parse::<Code>(), Ok(code));
            assert_eq!(code.to_string(), code.as_str());
        }
        assert_eq!(
            Code::InvalidRichtextPlacement.as_str(),
            "INVALID_RICHTEXT_PLACEMENT"
        );
        let unknown: Code = "SOME_CODE".parse().unwrap();
        assert_eq!(unknown.as_str(), "SOME_CODE");
        assert!(std::ptr::eq(
            unknown.as_str(),
            "SOME_CODE".parse::<Code>().unwrap().as_str()
        ));
    }
}
