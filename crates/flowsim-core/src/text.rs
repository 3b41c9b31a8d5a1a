//! Making untrusted text safe to print: flow texts, endpoint answers and file names reach
//! terminals, reports and CI logs, and must never carry control or bidi-override characters.

/// Whether `c` must never reach the terminal: C0 controls (U+0000–U+001F), DEL and C1 controls
/// (U+007F–U+009F), and the bidirectional formatting characters (U+200E/U+200F marks, U+061C
/// Arabic letter mark, U+202A–U+202E embeddings/overrides, U+2066–U+2069 isolates).
pub fn is_unsafe_char(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Makes untrusted text safe to print: every character for which [`is_unsafe_char`] holds is
/// replaced by U+FFFD `�`, except TAB, which becomes a single space.
///
/// Newlines are control characters too and are replaced, so split multi-line text first
/// (as the terminal widgets' word wrap does).
pub fn sanitize(s: &str) -> String {
    if !s.chars().any(is_unsafe_char) {
        return s.to_owned();
    }
    s.chars().map(safe_char).collect()
}

/// One character of [`sanitize`].
pub fn safe_char(c: char) -> char {
    match c {
        '\t' => ' ',
        c if is_unsafe_char(c) => '\u{fffd}',
        c => c,
    }
}

/// An error and its sources, one after the other (`outer: inner: …`), each said once: the
/// whole account an HTTP or TLS library gives of a failure.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error saying `text`, caused by `source`.
    #[derive(Debug)]
    struct Failure {
        text: &'static str,
        source: Option<Box<Failure>>,
    }

    impl std::fmt::Display for Failure {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.text)
        }
    }

    impl std::error::Error for Failure {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.source.as_deref().map(|s| s as _)
        }
    }

    fn failure(texts: &[&'static str]) -> Failure {
        let (text, rest) = texts.split_first().unwrap();
        Failure {
            text,
            source: (!rest.is_empty()).then(|| Box::new(failure(rest))),
        }
    }

    #[test]
    fn an_error_chain_says_each_cause_once_outermost_first() {
        assert_eq!(error_chain(&failure(&["request failed"])), "request failed");
        let e = failure(&["request failed", "connect", "connect", "refused"]);
        assert_eq!(error_chain(&e), "request failed: connect: refused");
    }
}
