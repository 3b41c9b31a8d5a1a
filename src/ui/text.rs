//! Text of every script in terminal cells: widths, cutting and right-to-left order.
//!
//! **Widths.** A terminal cell holds one grapheme cluster (a letter with its combining marks, an
//! emoji ZWJ sequence, a flag, an emoji with its skin tone or variation selector). ratatui's
//! `Buffer` splits text into grapheme clusters (`unicode-segmentation`) and gives each the width
//! `unicode-width` computes for the cluster ([`CellWidth`]); clusters of width 0 (a combining
//! mark with no base, a lone ZWJ or variation selector) are dropped. [`width`] measures exactly
//! that way, so a line measured here takes exactly that many cells in the buffer, and nothing
//! is ever cut between a base and its marks or inside an emoji sequence.
//!
//! **Direction.** Android lays out each paragraph by its first strong character
//! (`TextView`'s default `textDirection="firstStrong"`): an Arabic label is right-aligned even
//! on an English phone, and a text with no strong character follows the phone's language.
//! [`paragraph_dir`] decides that. Most terminals print cells in the order they are written and
//! never reorder right-to-left text, so [`visual`] reorders a line with the Unicode
//! Bidirectional Algorithm (`unicode-bidi`), keeping grapheme clusters whole and mirroring
//! brackets inside right-to-left runs. [`Bidi::Terminal`] leaves the order to terminals that
//! implement bidi themselves.

use std::ops::Range;

use ratatui::buffer::CellWidth;
use unicode_bidi::{BidiClass, Direction, Level, ParagraphBidiInfo, bidi_class};
use unicode_segmentation::UnicodeSegmentation;

/// A layout direction: of the phone's language (the chrome) or of one paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    /// Left to right.
    #[default]
    Ltr,
    /// Right to left (Arabic, Hebrew, Persian, Urdu).
    Rtl,
}

/// Who puts right-to-left text in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Bidi {
    /// flowsim reorders each line (for terminals that print cells as written: most of them).
    #[default]
    Flowsim,
    /// Text is written in logical order for a terminal that reorders it itself.
    Terminal,
}

/// How text is laid out on this phone: the direction of its language (the chrome) and who
/// puts right-to-left text in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    pub ui: Dir,
    pub bidi: Bidi,
}

impl Layout {
    /// The direction of a paragraph on this phone ([`paragraph_dir`]).
    pub fn para_dir(&self, s: &str) -> Dir {
        paragraph_dir(s, self.ui)
    }

    /// One line of a paragraph of direction `base`, as it is written to the terminal.
    pub fn show(&self, line: &str, base: Dir) -> String {
        match self.bidi {
            Bidi::Flowsim => visual(line, base),
            Bidi::Terminal => line.to_string(),
        }
    }

    /// [`Layout::show`], a right-to-left line padded on the left so that it ends at the right
    /// edge of `cells` (a left-to-right line is left as it is).
    pub fn align(&self, line: &str, base: Dir, cells: usize) -> String {
        let shown = self.show(line, base);
        match base {
            Dir::Rtl => format!("{}{shown}", " ".repeat(cells.saturating_sub(width(&shown)))),
            Dir::Ltr => shown,
        }
    }
}

/// The width of one grapheme cluster, as ratatui's buffer gives it (0: the buffer drops it).
pub fn grapheme_width(g: &str) -> usize {
    if g.contains(char::is_control) {
        return 0;
    }
    usize::from(g.cell_width())
}

/// The display width of `s` in terminal cells, cluster by cluster as the buffer places it.
pub fn width(s: &str) -> usize {
    if s.is_ascii() {
        return s.bytes().filter(|b| !b.is_ascii_control()).count();
    }
    s.graphemes(true).map(grapheme_width).sum()
}

/// Cuts `s` to at most `max` cells, with an ellipsis when it was cut. Never splits a grapheme
/// cluster.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for g in s.graphemes(true) {
        let gw = grapheme_width(g);
        if w + gw + 1 > max {
            break;
        }
        out.push_str(g);
        w += gw;
    }
    out.push('…');
    out
}

/// `s` cut to `cells` and padded with spaces to exactly `cells`.
pub fn fit(s: &str, cells: usize) -> String {
    let cut = truncate(s, cells);
    let pad = cells.saturating_sub(width(&cut));
    format!("{cut}{}", " ".repeat(pad))
}

/// The direction of the first strong character, if any (as the bidi algorithm's P2–P3).
pub fn first_strong(s: &str) -> Option<Dir> {
    match unicode_bidi::get_base_direction(s) {
        Direction::Ltr => Some(Dir::Ltr),
        Direction::Rtl => Some(Dir::Rtl),
        Direction::Mixed => None,
    }
}

/// How Android lays out a paragraph: by its first strong character, else as the phone's
/// language (`ui`).
pub fn paragraph_dir(s: &str, ui: Dir) -> Dir {
    first_strong(s).unwrap_or(ui)
}

/// Whether any character of `s` is right-to-left (or an Arabic digit) and needs reordering.
fn has_rtl(s: &str) -> bool {
    !s.is_ascii()
        && s.chars()
            .any(|c| matches!(bidi_class(c), BidiClass::R | BidiClass::AL | BidiClass::AN))
}

/// The grapheme clusters of one line in display (left-to-right) order, as byte ranges into
/// `line`, each with whether it sits in a right-to-left run (its brackets are mirrored).
pub fn visual_order(line: &str, base: Dir) -> Vec<(Range<usize>, bool)> {
    let clusters: Vec<Range<usize>> = line
        .grapheme_indices(true)
        .map(|(i, g)| i..i + g.len())
        .collect();
    if base == Dir::Ltr && !has_rtl(line) {
        return clusters.into_iter().map(|r| (r, false)).collect();
    }
    let level = if base == Dir::Rtl {
        Level::rtl()
    } else {
        Level::ltr()
    };
    let info = ParagraphBidiInfo::new(line, Some(level));
    // Levels per character (rules L1 applied); a cluster takes the level of its first one.
    let per_char = info.reordered_levels_per_char(0..line.len());
    let starts: Vec<usize> = line.char_indices().map(|(i, _)| i).collect();
    let levels: Vec<Level> = clusters
        .iter()
        .map(|r| {
            let i = starts.partition_point(|&s| s < r.start);
            per_char.get(i).copied().unwrap_or(level)
        })
        .collect();
    ParagraphBidiInfo::reorder_visual(&levels)
        .into_iter()
        .map(|i| (clusters[i].clone(), levels[i].is_rtl()))
        .collect()
}

/// One line of text in display order (see the module notes). `base` is the paragraph's
/// direction.
pub fn visual(line: &str, base: Dir) -> String {
    if base == Dir::Ltr && !has_rtl(line) {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    for (range, rtl) in visual_order(line, base) {
        let g = &line[range];
        if rtl {
            out.extend(g.chars().map(mirror_char));
        } else {
            out.push_str(g);
        }
    }
    out
}

/// Where a text cursor `logical` cells into `line` (in reading order) shows once the line is in
/// display order: the left edge of a left-to-right character, the right edge of a
/// right-to-left one; at the end of the line, next to its last character.
pub fn visual_cursor(line: &str, base: Dir, logical: usize) -> usize {
    // Each cluster's start cell in reading order, by its byte offset.
    let mut starts = Vec::new();
    let mut cell = 0;
    for (i, g) in line.grapheme_indices(true) {
        let w = grapheme_width(g);
        starts.push((i, cell, w));
        cell += w;
    }
    let mut x = 0;
    let mut last: Option<(usize, bool, usize)> = None;
    for (range, rtl) in visual_order(line, base) {
        let Ok(k) = starts.binary_search_by_key(&range.start, |s| s.0) else {
            continue;
        };
        let (_, start, w) = starts[k];
        if start == logical && w > 0 {
            return if rtl { x + w } else { x };
        }
        if last.is_none_or(|(s, _, _)| start > s) {
            last = Some((start, rtl, x));
        }
        x += w;
    }
    match last {
        Some((start, true, at)) if logical >= start => at.saturating_sub(1),
        Some((start, false, at)) if logical >= start => {
            at + starts.iter().find(|s| s.1 == start).map_or(0, |s| s.2)
        }
        _ => 0,
    }
}

/// Bidi_Mirroring_Glyph for the paired brackets and quotes that text commonly holds
/// (UnicodeData's BidiMirroring.txt); other characters are unchanged.
pub fn mirror_char(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        c => c,
    }
}

/// Mirrors the phone's own drawing characters for a right-to-left phone: box corners and
/// tees, half blocks and pointers.
pub fn mirror_glyph(c: char) -> char {
    match c {
        '╭' => '╮',
        '╮' => '╭',
        '╰' => '╯',
        '╯' => '╰',
        '├' => '┤',
        '┤' => '├',
        '┌' => '┐',
        '┐' => '┌',
        '└' => '┘',
        '┘' => '└',
        '▌' => '▐',
        '▐' => '▌',
        '▸' => '◂',
        '◂' => '▸',
        '›' => '‹',
        '‹' => '›',
        '→' => '←',
        '←' => '→',
        c => mirror_char(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_grapheme_clusters() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("日本"), 4);
        // e + combining acute; Devanagari with a vowel sign; Thai with a tone mark.
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(
            width("नमस्ते"),
            width("नमस्ते".graphemes(true).collect::<String>().as_str())
        );
        // A family (ZWJ sequence), a flag, a thumbs-up with a skin tone, a red heart (VS16).
        for emoji in ["👨\u{200d}👩\u{200d}👧", "🇸🇦", "👍🏽", "❤\u{fe0f}"] {
            assert_eq!(width(emoji), 2, "{emoji}");
        }
        // A combining mark with no base is dropped by the buffer: no width.
        assert_eq!(width("\u{301}"), 0);
    }

    #[test]
    fn truncate_never_splits_a_cluster() {
        let family = "👨\u{200d}👩\u{200d}👧";
        let s = format!("{family}{family}{family}");
        let cut = truncate(&s, 5);
        assert_eq!(cut, format!("{family}{family}…"));
        assert_eq!(width(&cut), 5);
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(fit("日本語", 5), "日本…");
        assert_eq!(fit("ab", 4), "ab  ");
    }

    #[test]
    fn paragraphs_take_the_direction_of_their_first_strong_character() {
        assert_eq!(paragraph_dir("مرحبا Ahmed", Dir::Ltr), Dir::Rtl);
        assert_eq!(paragraph_dir("Hello مرحبا", Dir::Rtl), Dir::Ltr);
        assert_eq!(paragraph_dir("123 !", Dir::Rtl), Dir::Rtl);
        assert_eq!(paragraph_dir("123 !", Dir::Ltr), Dir::Ltr);
        assert_eq!(paragraph_dir("שלום", Dir::Ltr), Dir::Rtl);
    }

    #[test]
    fn right_to_left_lines_are_put_in_display_order() {
        // Logical "ABC" in Hebrew letters shows reversed; Latin and digits keep their order.
        assert_eq!(visual("אבג", Dir::Rtl), "גבא");
        assert_eq!(visual("אבג 123", Dir::Rtl), "123 גבא");
        assert_eq!(visual("Hi אבג!", Dir::Ltr), "Hi גבא!");
        // Brackets inside right-to-left text are mirrored.
        assert_eq!(visual("א(ב)", Dir::Rtl), "(ב)א");
        // Arabic with a combining mark (fatha) keeps the mark after its base letter.
        assert_eq!(visual("بَت", Dir::Rtl), "تبَ");
        // Left-to-right text is untouched.
        assert_eq!(visual("plain", Dir::Ltr), "plain");
        // The cursor follows the characters: after "אב" (2 cells in), it is left of ב.
        assert_eq!(visual_cursor("אבג", Dir::Rtl, 0), 3);
        assert_eq!(visual_cursor("אבג", Dir::Rtl, 2), 1);
        assert_eq!(visual_cursor("abc", Dir::Ltr, 2), 2);
        assert_eq!(visual_cursor("abc", Dir::Ltr, 3), 3);
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(
            visual(&format!("אב {family}"), Dir::Rtl),
            format!("{family} בא")
        );
    }
}
