use flowsim_core::diagnostic::{Diagnostic, Severity};
use flowsim_core::flow::source::Source;
use flowsim_core::text::sanitize;

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`.
pub fn github(source: &Source, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let (s, e) = source.range(&d.span);
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Annotations are shown in a log viewer that interprets escape sequences.
        let mut message = sanitize(&d.message);
        if !d.path.is_empty() {
            message.push_str(&format!(" (at {})", sanitize(&d.path)));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {}", sanitize(help)));
        }
        out.push_str(&format!(
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(&sanitize(&source.name)),
            s.line,
            s.column,
            e.line,
            e.column,
            property(d.code.as_str()),
            data(&message)
        ));
    }
    out
}

/// Escapes a workflow-command message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_command_syntax() {
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(data("50%\ndone"), "50%25%0Adone");
    }
}
