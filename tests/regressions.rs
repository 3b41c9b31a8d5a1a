//! Regression tests for what fuzzing (`fuzz/`) and the hostile-input tests (`tests/hostile.rs`)
//! found, each fed through the same API that failed, with the minimal input.
//!
//! Each test says what went wrong and what the fix was.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use flowsim::report::{self, Format};
use flowsim::ui::{self, theme::Theme};
use flowsim_core::flow::source::Source;
use flowsim_core::sim::{Input, Session, Start};
use flowsim_core::text::is_unsafe_char;
use flowsim_core::validate::check;
use serde_json::json;

/// Whether `out` holds a character that must not reach a terminal, outside `ESC [ … m`.
fn has_unsafe(out: &str) -> Option<char> {
    let mut chars = out.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            while chars.next_if(|c| c.is_ascii_digit() || *c == ';').is_some() {}
            if chars.next_if(|c| *c == 'm').is_some() {
                continue;
            }
            return Some(c);
        }
        if c != '\n' && is_unsafe_char(c) {
            return Some(c);
        }
    }
    None
}

fn session(flow: &serde_json::Value) -> Session {
    let checked = check(&Source::new("flow.json", flow.to_string()));
    let mut s = Session::new(Arc::new(checked.flow.expect("an object")), "t");
    s.update(Input::Start(Start::Navigate {
        screen: None,
        data: None,
    }));
    s
}

/// `render_screen` sized a screen taller than 65,535 rows with `rows as u16`, which wrapped
/// around: a 5 MB TextBody printed as 8 rows. The height now saturates at the largest a
/// buffer can be.
#[test]
fn a_screen_taller_than_a_buffer_is_cut_not_wrapped() {
    // Markdown paragraphs: two rows each (a blank row between them).
    let text = "a\n\n".repeat(40_000);
    let flow = json!({ "version": "7.3", "screens": [{ "id": "A", "terminal": true,
        "layout": { "type": "SingleColumnLayout", "children": [
            { "type": "TextBody", "markdown": true, "text": text },
            { "type": "Footer", "label": "Done",
              "on-click-action": { "name": "complete", "payload": {} } } ] } }] });
    let buf = ui::render_screen(
        &session(&flow),
        &Theme::DARK,
        &Default::default(),
        Some(44),
        None,
        true,
    );
    assert_eq!(buf.area.height, u16::MAX);
}

/// Messages quote names, keys and values from the flow. The human reporter let C1 controls
/// and bidi marks through (annotate-snippets replaces only C0 controls, DEL and bidi
/// embeddings, and not in notes at all), the GitHub reporter let everything through, and
/// the JSON reporter left DEL, C1 and bidi characters raw (serde_json escapes only C0). Now
/// every reporter's output is safe to print, and the JSON still decodes to the same text.
#[test]
fn reporters_never_print_control_or_bidi_characters() {
    let bad = "\u{1b}]0;x\u{7}\u{1b}[2J\u{9b}2J\u{202e}\u{200f}\u{61c}\u{7f}\r";
    let flow = json!({ "version": "7.3", "screens": [{ "id": format!("A{bad}"), "terminal": true,
        format!("k{bad}"): 1,
        "layout": { "type": "SingleColumnLayout", "children": [ { "type": format!("T{bad}") } ] } }] });
    // Escaped in JSON, and written raw where JSON allows it (inside strings).
    let raw = "{\"version\": \"7.3\u{9b}\u{202e}\u{200f}\u{7f}\", \"screens\": []}";
    let syntax = "{\"version\": 1\u{1b}[2J}";
    for text in [flow.to_string(), raw.to_string(), syntax.to_string()] {
        let source = Source::new(format!("f{bad}.json"), text);
        let checked = check(&source);
        assert!(checked.has_errors());
        for (what, out) in [
            (
                "human",
                report::render(Format::Human, &source, &checked.diagnostics, false),
            ),
            (
                "human colour",
                report::render(Format::Human, &source, &checked.diagnostics, true),
            ),
            (
                "github",
                report::render(Format::Github, &source, &checked.diagnostics, false),
            ),
        ] {
            assert_eq!(has_unsafe(&out), None, "{what}: {out:?}");
        }
        let out = report::render(Format::Json, &source, &checked.diagnostics, false);
        assert_eq!(has_unsafe(&out), None, "json: {out:?}");
        let decoded: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let first = decoded["validation_errors"][0]["message"]
            .as_str()
            .expect("a message");
        assert!(!first.is_empty());
        assert_eq!(decoded["file"], format!("f{bad}.json"), "lossless");
    }
}

/// Scenario, mock and `--data @file` files were read with `read_to_string`, whole, however
/// large: a scenario that is a 4 GiB sparse file hung `flowsim test`. They are now read with
/// the flow's 10 MB limit.
#[test]
fn text_files_over_10_mb_are_refused_without_reading_them_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.test.json");
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(4 << 30))
        .expect("a sparse file");
    let started = Instant::now();
    let err = flowsim::load::read_text(&path).expect_err("refused");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(err.contains("10 MB"), "{err}");
    let err =
        flowsim::cli::preview::parse_data(&format!("@{}", path.display())).expect_err("refused");
    assert!(err.contains("10 MB"), "{err}");

    // The other failures say what is wrong, in the same words as for flows.
    let missing = flowsim::load::read_text(&dir.path().join("missing.json")).unwrap_err();
    assert!(missing.ends_with("no such file"), "{missing}");
    let directory = flowsim::load::read_text(dir.path()).unwrap_err();
    assert!(directory.contains("is a directory"), "{directory}");
    let latin1 = dir.path().join("latin1.json");
    std::fs::write(&latin1, b"{\"a\": \"\xe9\"}").expect("write");
    let err = flowsim::load::read_text(&latin1).unwrap_err();
    assert!(err.contains("not UTF-8"), "{err}");
    assert!(Path::new(&latin1).exists());
}
