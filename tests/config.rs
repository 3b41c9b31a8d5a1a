//! The config file and shell completions, through the real binary and the real app.

use std::path::Path;
use std::sync::Arc;

use assert_cmd::Command;
use flowsim::app::App;
use flowsim::ui::{self, theme::Theme};
use flowsim_core::flow::source::Source;
use flowsim_core::sim::Start;
use flowsim_core::validate::check;
use predicates::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn welcome() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-flows/welcome.json")
}

/// `flowsim render` with the config file holding `text`.
fn render_with(text: &str, args: &[&str]) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    Command::cargo_bin("flowsim")
        .unwrap()
        .env("FLOWSIM_CONFIG", &path)
        .arg("render")
        .arg(welcome())
        .args(args)
        .assert()
}

#[test]
fn the_config_file_sets_the_phone_and_options_override_it() {
    let out = render_with("device = \"small\"\ndir = \"rtl\"\n", &[]).success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let bar = text.lines().nth(1).unwrap();
    assert_eq!(flowsim::ui::text::width(bar), 36, "{text}");
    assert!(bar.starts_with("│ ⋮"), "{text}");
    let out = render_with(
        "device = \"small\"\ndir = \"rtl\"\n",
        &["--device", "meta", "--dir", "ltr"],
    )
    .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let bar = text.lines().nth(1).unwrap();
    assert_eq!(flowsim::ui::text::width(bar), 50, "{text}");
    assert!(bar.starts_with("│ ✕"), "{text}");
}

#[test]
fn a_bad_config_file_fails_with_its_line() {
    render_with("theme = \"dark\"\n\ndevice = \"huge\"\n", &[])
        .code(2)
        .stderr(predicate::str::contains("config.toml:3:10").and(predicate::str::contains("huge")));
    render_with("[keys]\nclose = \"Hyper-Q\"\n", &[])
        .code(2)
        .stderr(
            predicate::str::contains("config.toml:2:9").and(predicate::str::contains("not a key")),
        );
    // A config file named by FLOWSIM_CONFIG must exist.
    Command::cargo_bin("flowsim")
        .unwrap()
        .env("FLOWSIM_CONFIG", "/nonexistent/flowsim.toml")
        .arg("render")
        .arg(welcome())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/flowsim.toml"));
}

#[test]
fn rebinding_keys_changes_the_hint_bar_and_the_help() {
    let config = flowsim::config::parse(
        "[keys]\nclose = \"Q\"\nhelp = \"h\"\n",
        Path::new("config.toml"),
    )
    .unwrap();
    let source = Source::new("welcome.json", std::fs::read_to_string(welcome()).unwrap());
    let mut app = App::new(
        "welcome.json",
        Arc::new(check(&source).flow.unwrap()),
        Vec::new(),
        Start::Navigate {
            screen: None,
            data: None,
        },
        "flowsim",
        Theme::DARK,
    );
    app.keymap = config.keymap;
    app.boot();
    let key = |app: &mut App, c| {
        app.handle(flowsim::app::Event::Key(crossterm::event::KeyEvent::from(
            c,
        )));
    };
    let screen = |app: &mut App| {
        let mut t = Terminal::new(TestBackend::new(120, 44)).unwrap();
        t.draw(|f| app.drawn = ui::draw(f, app)).unwrap();
        ui::to_text(t.backend().buffer())
    };
    key(&mut app, crossterm::event::KeyCode::Tab);
    let text = screen(&mut app);
    let hints = text.lines().last().unwrap();
    assert!(
        hints.contains(" Q  quit") && hints.contains(" h  help"),
        "{hints}"
    );
    assert!(!hints.contains(" q  quit"), "{hints}");
    key(&mut app, crossterm::event::KeyCode::Char('h'));
    let help = screen(&mut app);
    assert!(
        help.contains("Q ") && help.contains("Close the flow"),
        "{help}"
    );
    key(&mut app, crossterm::event::KeyCode::Char('h'));
    key(&mut app, crossterm::event::KeyCode::Char('q'));
    assert!(!app.quit, "q no longer closes the flow");
    key(&mut app, crossterm::event::KeyCode::Char('Q'));
    assert!(app.quit, "Q does");
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef flowsim"),
        ("fish", "complete -c flowsim"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = Command::cargo_bin("flowsim")
            .unwrap()
            .args(["completions", shell])
            .assert()
            .success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(
            text.contains(marker),
            "{shell}: {}",
            &text[..text.len().min(400)]
        );
        for word in ["render", "validate", "device", "large-font", "completions"] {
            assert!(text.contains(word), "{shell} completes {word}");
        }
    }
    Command::cargo_bin("flowsim")
        .unwrap()
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}
