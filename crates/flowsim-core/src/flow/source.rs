//! Source text and position arithmetic: byte offsets to 1-based lines and columns.

use std::sync::OnceLock;

use super::json::Span;

/// A loaded source file: its display name, its text and an index of line starts, made the
/// first time a position is asked for (a valid flow never needs one).
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
    line_starts: OnceLock<Vec<usize>>,
}

/// A 1-based line and column. Columns count Unicode scalar values, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        }
    }

    /// Byte offsets where the lines start.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// The position of a byte offset (clamped to the text and to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&start| start <= offset);
        let start = line_starts[line - 1];
        Position {
            line,
            column: self.text[start..offset].chars().count() + 1,
        }
    }

    /// Start and end positions of a span. The end is the position just past the last
    /// character (`"ab"` starting at column 1 ends at column 5).
    pub fn range(&self, span: &Span) -> (Position, Position) {
        (self.position(span.start), self.position(span.end))
    }

    /// Number of lines in the text.
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// Byte offset where line `line` (1-based) starts; the text's length past the last line.
    pub fn line_start(&self, line: usize) -> usize {
        let line_starts = self.line_starts();
        match line {
            0 => 0,
            l if l > line_starts.len() => self.text.len(),
            l => line_starts[l - 1],
        }
    }

    /// The text of line `line` (1-based) without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let line_starts = self.line_starts();
        let start = line_starts[line.clamp(1, line_starts.len()) - 1];
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        self.text[start..end].trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let src = Source::new("f.json", "{\n  \"é\": 1\n}");
        assert_eq!(src.position(0), Position { line: 1, column: 1 });
        let one = src.text.find('1').unwrap();
        assert_eq!(src.position(one), Position { line: 2, column: 8 });
        assert_eq!(src.line_text(2), "  \"é\": 1");
        assert_eq!(src.position(10_000), Position { line: 3, column: 2 });
    }
}
