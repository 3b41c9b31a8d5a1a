//! The interactive app on ratatui's TestBackend: real App, real drawing, synthetic keys.

use std::path::PathBuf;

use flowsim::app::input::{KeyCode, KeyEvent, KeyModifiers};
use flowsim::app::keymap::Mode;
use flowsim::app::{App, Command, Event, Finding};
use flowsim::ui::{self, Paint, theme::Theme};
use flowsim_core::drive::Driver;
use flowsim_core::scenario::PickError;
use flowsim_core::sim::Start;
use flowsim_core::sim::mock::Mock;
use flowsim_endpoint::{Answerer, Source};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

fn sample(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("sample-flows")
        .join(file)
}

fn open_at(path: &std::path::Path, start: Start) -> App {
    let (flow, findings) = flowsim::tui::read_flow(path).expect("sample loads");
    let mut app = App::new(
        path.file_name().unwrap().to_string_lossy(),
        flow,
        findings,
        start,
        "flowsim",
    );
    let commands = app.boot();
    run(&mut app, commands, None);
    app
}

fn open(file: &str) -> App {
    open_at(
        &sample(file),
        Start::Navigate {
            screen: None,
            data: None,
        },
    )
}

/// Carries out commands the way the runtime does (through the one driver), synchronously.
fn run(app: &mut App, commands: Vec<Command>, mock: Option<&Mock>) {
    for c in commands {
        match c {
            Command::Request(r) => {
                let source = mock.map_or(Source::None, |m| Source::Mock(m.clone()));
                let mut driver = Driver::new(Answerer::new(source, None));
                let delivery = block_on(driver.deliver(&r));
                let next = app.handle(Event::Delivered(Box::new(delivery)));
                run(app, next, mock);
            }
            Command::PickFile { name, path, rules } => {
                let file =
                    flowsim::files::pick(std::path::Path::new(&path), &rules, None).map_err(|e| {
                        match e {
                            PickError::Refused(m) | PickError::Unreadable(m) => m,
                        }
                    });
                let next = app.handle(Event::File { name, file });
                run(app, next, mock);
            }
            _ => {}
        }
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

fn key(app: &mut App, code: KeyCode) {
    let commands = app.handle(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    run(app, commands, None);
}

fn keys(app: &mut App, codes: &[KeyCode]) {
    for c in codes {
        key(app, *c);
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

thread_local! {
    /// One `Paint` for every frame a test thread draws, as the runtime keeps one for the
    /// session: its layouts of earlier frames (`ui::body::Layouts`) are reused.
    static KEPT: Paint = Theme::DARK.into();
}

/// Draws a frame with the paint kept across frames, and checks that it is exactly the frame a
/// fresh paint draws: what earlier frames laid out is reused only where nothing changed.
fn draw(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    let kept = KEPT.with(|kept| paint(app, kept, width, height));
    let kept_drawn = app.drawn.clone();
    let fresh = paint(app, &Theme::DARK.into(), width, height);
    assert_eq!(
        kept.backend().buffer(),
        fresh.backend().buffer(),
        "a frame drawn with kept layouts differs from one laid out afresh"
    );
    assert_eq!(kept_drawn, app.drawn);
    kept
}

fn paint(app: &mut App, paint: &Paint, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut drawn = None;
    terminal
        .draw(|f| drawn = Some(ui::draw(f, app, paint)))
        .unwrap();
    app.drawn = drawn.unwrap();
    terminal
}

fn screen_text(app: &mut App) -> String {
    let terminal = draw(app, 100, 44);
    ui::to_text(terminal.backend().buffer())
}

use KeyCode::{BackTab, Char, Enter, Esc, Tab};

#[test]
fn every_sample_screen_at_two_widths() {
    for s in flowsim::samples::SAMPLES {
        let path = sample(s.file);
        let (flow, _) = flowsim::tui::read_flow(&path).unwrap();
        for screen in &flow.screens {
            for width in [60, 36] {
                let mut app = open_at(
                    &path,
                    Start::Navigate {
                        screen: Some(screen.id.clone()),
                        data: None,
                    },
                );
                let terminal = draw(&mut app, width, 48);
                let name = format!(
                    "{}__{}__w{width}",
                    s.file.trim_end_matches(".json"),
                    screen.id
                );
                insta::assert_snapshot!(name, terminal.backend());
            }
        }
    }
}

#[test]
fn themes_paint_the_footer_button_in_whatsapp_green() {
    for theme in [Theme::LIGHT, Theme::DARK] {
        let mut app = open_at(
            &sample("welcome.json"),
            Start::Navigate {
                screen: Some("SUMMARY".into()),
                data: None,
            },
        );
        let terminal = paint(&mut app, &theme.into(), 60, 40);
        let buf = terminal.backend().buffer();
        let (x, y, _, _) = app
            .drawn
            .hits
            .iter()
            .find(|(_, t)| *t == flowsim::app::Target::Footer)
            .unwrap()
            .0;
        assert_eq!(buf[(x + 2, y)].bg, theme.accent, "button background");
        assert_ne!(buf[(x + 2, y)].bg, Color::Reset);
        // The phone's body uses the theme's background.
        let (px, py) = (x, y - 3);
        assert_eq!(buf[(px, py)].bg, theme.bg);
    }
}

/// Fills welcome.json's first screen and presses its Footer, onto INTERESTS.
fn welcome_to_interests(app: &mut App) {
    type_text(app, "Ada");
    keys(app, &[Tab, Char(' ')]);
    // The Footer is enabled now: Tab past the other options to it.
    while app.focus != Some(flowsim::app::Target::Footer) {
        key(app, Tab);
    }
    key(app, Enter);
    assert_eq!(app.session().current(), Some("INTERESTS"));
}

#[test]
fn fill_navigate_back_and_complete() {
    let mut app = open("welcome.json");
    assert!(screen_text(&mut app).contains("WELCOME"));
    welcome_to_interests(&mut app);
    insta::assert_snapshot!(
        "welcome_interests_focused",
        draw(&mut app, 60, 30).backend()
    );
    key(&mut app, Esc);
    assert_eq!(app.session().current(), Some("WELCOME"));
    let text = screen_text(&mut app);
    assert!(
        text.contains("│ Ada"),
        "typed value kept after back:\n{text}"
    );
    assert!(text.contains("◉ Developer"));
    while app.focus != Some(flowsim::app::Target::Footer) {
        key(&mut app, Tab);
    }
    key(&mut app, Enter);
    keys(&mut app, &[Char(' ')]);
    while app.focus != Some(flowsim::app::Target::Footer) {
        key(&mut app, Tab);
    }
    key(&mut app, Enter);
    assert!(screen_text(&mut app).contains("Nice to meet you, Ada!"));
    key(&mut app, Tab);
    key(&mut app, Enter);
    let text = screen_text(&mut app);
    assert!(text.contains("Response sent"), "{text}");
    assert!(text.contains("\"name\": \"Ada\""), "{text}");
    assert!(
        app.panel,
        "the side panel opens on completion with the payload"
    );
    key(&mut app, Char('r'));
    assert_eq!(app.session().current(), Some("WELCOME"));
}

#[test]
fn disabled_footer_does_nothing_and_says_why() {
    let mut app = open("welcome.json");
    while app.focus != Some(flowsim::app::Target::Footer) {
        key(&mut app, Tab);
    }
    key(&mut app, Enter);
    assert_eq!(app.session().current(), Some("WELCOME"));
    assert!(app.notice.as_deref().unwrap_or("").contains("disabled"));
}

#[test]
fn text_fields_take_q_and_question_marks_while_typing() {
    let mut app = open("welcome.json");
    type_text(&mut app, "q?");
    assert!(!app.quit);
    assert!(screen_text(&mut app).contains("│ q?"));
    key(&mut app, KeyCode::Backspace);
    assert!(screen_text(&mut app).contains("│ q "));
    key(&mut app, BackTab);
}

#[test]
fn typing_leaves_the_view_the_engine_makes() {
    // Typing patches the view rather than making it again: it must be the view the engine
    // makes, here where texts and `visible` read the field being typed into.
    let mut app = open_at(
        &sample("survey.json"),
        Start::Navigate {
            screen: Some("DETAILS".into()),
            data: None,
        },
    );
    for _ in 0..20 {
        if app.mode() == Mode::Text {
            break;
        }
        key(&mut app, Tab);
    }
    assert_eq!(app.mode(), Mode::Text, "the score field has the focus");
    use KeyCode::{Backspace, Delete, Home};
    for code in [
        Char('9'),
        Char('5'),
        Backspace,
        Backspace,
        Char('3'),
        Home,
        Delete,
    ] {
        key(&mut app, code);
        assert_eq!(*app.view(), app.session().view(), "after {code:?}");
    }
    let commands = app.handle(Event::Paste("7".into()));
    run(&mut app, commands, None);
    assert_eq!(*app.view(), app.session().view(), "after a paste");
    let texts = app.view().texts();
    assert!(
        texts.iter().any(|t| t.starts_with("Just 3 points")),
        "{texts:?}"
    );
}

#[test]
fn help_lists_the_keymap() {
    let mut app = open("booking.json");
    key(&mut app, Tab); // off the first field onto a non-text target
    key(&mut app, Char('?'));
    let text = screen_text(&mut app);
    for desc in [
        "Quit flowsim",
        "Show or hide the side panel",
        "Focus the previous one",
    ] {
        assert!(text.contains(desc), "help shows `{desc}`:\n{text}");
    }
    assert!(
        !text.contains("answer the request by hand"),
        "the end of the help is below"
    );
    keys(
        &mut app,
        &[KeyCode::PageDown, KeyCode::PageDown, KeyCode::PageDown],
    );
    let text = screen_text(&mut app);
    assert!(
        text.contains("answer the request by hand"),
        "PgDn scrolls the help:\n{text}"
    );
    keys(
        &mut app,
        &[KeyCode::PageUp, KeyCode::PageUp, KeyCode::PageUp],
    );
    insta::assert_snapshot!("help", draw(&mut app, 90, 44).backend());
    key(&mut app, Esc);
    assert!(!screen_text(&mut app).contains("Quit flowsim"));
}

#[test]
fn dropdown_and_date_pickers_open_full_screen() {
    let mut app = open("booking.json");
    // The first focus is the guests Dropdown.
    key(&mut app, Enter);
    let text = screen_text(&mut app);
    assert!(text.contains("Number of guests"), "{text}");
    keys(&mut app, &[KeyCode::Down, Enter]);
    let guests = app.session().store().unwrap().form.get("guests").cloned();
    assert!(guests.is_some(), "a dropdown option was chosen");
    key(&mut app, Tab);
    key(&mut app, Enter);
    let text = screen_text(&mut app);
    assert!(text.contains("Mo Tu We Th Fr Sa Su"), "{text}");
    key(&mut app, Esc);
    assert!(!screen_text(&mut app).contains("Mo Tu We Th Fr Sa Su"));
}

#[test]
fn reload_keeps_what_was_typed_and_a_broken_save_keeps_the_last_good_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("welcome.json");
    let original = std::fs::read_to_string(sample("welcome.json")).unwrap();
    std::fs::write(&path, &original).unwrap();
    let mut app = open_at(
        &path,
        Start::Navigate {
            screen: None,
            data: None,
        },
    );
    type_text(&mut app, "Ada");

    std::fs::write(&path, original.replace("Hello from flowsim", "Hello again")).unwrap();
    app.handle(Event::Reload(flowsim::tui::read_flow(&path)));
    let text = screen_text(&mut app);
    assert!(
        text.contains("Hello again") && text.contains("│ Ada"),
        "{text}"
    );

    std::fs::write(&path, &original[..original.len() / 2]).unwrap();
    app.handle(Event::Reload(flowsim::tui::read_flow(&path)));
    let text = screen_text(&mut app);
    assert!(text.contains("last save not loaded"), "{text}");
    assert!(
        text.contains("welcome.json:"),
        "the finding is located: {text}"
    );
    assert!(
        text.contains("Hello again"),
        "the last good version stays: {text}"
    );
    type_text(&mut app, "!");
    assert!(screen_text(&mut app).contains("│ Ada!"), "still usable");

    // A save that parses but breaks a rule is refused too.
    std::fs::write(
        &path,
        original.replace("\"TextHeading\"", "\"TextHeadline\""),
    )
    .unwrap();
    app.handle(Event::Reload(flowsim::tui::read_flow(&path)));
    let text = screen_text(&mut app);
    assert!(text.contains("INVALID_PROPERTY_VALUE"), "{text}");

    std::fs::write(&path, &original).unwrap();
    app.handle(Event::Reload(flowsim::tui::read_flow(&path)));
    let text = screen_text(&mut app);
    assert!(
        !text.contains("last save not loaded") && text.contains("Hello from flowsim"),
        "{text}"
    );
    assert!(text.contains("│ Ada!"));
    insta::assert_snapshot!("broken_reload", {
        std::fs::write(&path, &original[..40]).unwrap();
        app.handle(Event::Reload(flowsim::tui::read_flow(&path)));
        let mut t = draw(&mut app, 90, 40);
        let s = ui::to_text(t.backend_mut().buffer());
        s.replace(&path.display().to_string(), "welcome.json")
    });
}

#[test]
fn endpoint_flow_runs_from_a_mock() {
    let path = sample("loan_application.json");
    let mock = Mock::parse(&std::fs::read_to_string(sample("loan_application.mock.json")).unwrap())
        .unwrap();
    let (flow, findings) = flowsim::tui::read_flow(&path).unwrap();
    let mut app = App::new("loan", flow, findings, Start::DataExchange, "t-1");
    let commands = app.boot();
    run(&mut app, commands, Some(&mock));
    assert_eq!(app.session().current(), Some("LOAN"));
    let text = screen_text(&mut app);
    assert!(text.contains("LOAN"), "{text}");
}

#[test]
fn findings_are_listed_with_locations() {
    let finding = Finding {
        severity: flowsim_core::diagnostic::Severity::Warning,
        code: "X",
        location: "f.json:1:1".into(),
        path: String::new(),
        message: "m".into(),
    };
    let mut app = open("welcome.json");
    app.findings.push(finding);
    key(&mut app, KeyCode::Tab);
    key(&mut app, Char('p'));
    let text = screen_text(&mut app);
    assert!(text.contains("f.json:1:1 X m"), "{text}");
}

#[test]
fn a_frozen_flow_runs_with_the_lifecycle_warning_in_the_status_line_and_panel() {
    let mut app = open("legacy_form.json");
    let text = screen_text(&mut app);
    assert!(text.contains("valid, 1 warning"), "{text}");
    key(&mut app, Char('p'));
    let text = screen_text(&mut app);
    assert!(text.contains("INVALID_FLOW_JSON_VERSION_STATE"), "{text}");
    assert!(text.contains("frozen since 8 April 2025"), "{text}");
}

#[test]
fn mouse_click_focuses_and_presses() {
    use flowsim::app::input::{MouseEvent, MouseKind};
    let mut app = open("welcome.json");
    draw(&mut app, 80, 40);
    let (rect, target) = app
        .drawn
        .hits
        .iter()
        .find(|(_, t)| matches!(t, flowsim::app::Target::Option { .. }))
        .cloned()
        .unwrap();
    let click = MouseEvent {
        kind: MouseKind::Click,
        column: rect.0 + 3,
        row: rect.1,
    };
    app.handle(Event::Mouse(click));
    assert_eq!(app.focus, Some(target));
    assert!(
        app.session().store().unwrap().form.contains_key("role"),
        "the click selected the option"
    );
}

#[test]
fn narrow_and_short_terminals_still_draw() {
    let mut app = open("survey.json");
    for (w, h) in [(30, 12), (20, 8), (9, 5), (200, 60)] {
        let terminal = draw(&mut app, w, h);
        assert_eq!(terminal.backend().buffer().area.width, w);
    }
}

#[test]
fn readme_documents_every_key() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let keys_section = readme
        .split("#### Keys")
        .nth(1)
        .expect("README has a Keys section");
    for b in flowsim::app::keymap::BINDINGS {
        for k in b.keys {
            let label = flowsim::app::keymap::label(*k);
            assert!(
                keys_section.contains(&format!("`{label}`")),
                "README's key table lacks `{label}` ({})",
                b.desc
            );
        }
    }
}

/// A one-screen endpoint flow and its mock, for step mode and the inspector.
fn endpoint_app() -> (App, Mock) {
    let flow = serde_json::json!({
        "version": "7.3", "data_api_version": "3.0",
        "routing_model": { "ASK": ["DONE"] },
        "screens": [
            { "id": "ASK", "title": "Ask", "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "TextInput", "name": "code", "label": "Code" },
                { "type": "Footer", "label": "Send", "on-click-action": { "name": "data_exchange", "payload": { "code": "${form.code}" } } } ] } },
            { "id": "DONE", "title": "Done", "terminal": true,
              "data": { "msg": { "type": "string", "__example__": "x" } },
              "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "TextBody", "text": "${data.msg}" },
                { "type": "Footer", "label": "Finish", "on-click-action": { "name": "complete", "payload": {} } } ] } } ]
    });
    let mock = Mock::parse(
        r#"{ "responses": [ { "action": "data_exchange", "screen": "ASK",
              "response": { "screen": "DONE", "data": { "msg": "Welcome aboard" } } } ] }"#,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ask.json");
    std::fs::write(&path, flow.to_string()).unwrap();
    let app = open_at(
        &path,
        Start::Navigate {
            screen: None,
            data: None,
        },
    );
    (app, mock)
}

/// Runs commands through one driver for the whole test, as the runtime does.
fn run_live(app: &mut App, commands: Vec<Command>, mock: &Mock) {
    let mut driver = Driver::new(Answerer::new(Source::Mock(mock.clone()), None));
    let mut queue = commands;
    while let Some(c) = queue.pop() {
        if let Command::Request(r) = c {
            let delivery = block_on(driver.deliver(&r));
            queue.extend(app.handle(Event::Delivered(Box::new(delivery))));
        }
    }
}

fn press(app: &mut App, code: KeyCode, mods: KeyModifiers, mock: &Mock) {
    let commands = app.handle(Event::Key(KeyEvent::new(code, mods)));
    run_live(app, commands, mock);
}

#[test]
fn step_mode_holds_requests_and_answers_and_the_inspector_shows_them() {
    let (mut app, mock) = endpoint_app();
    type_text(&mut app, "42");
    key(&mut app, Tab); // to the Footer
    press(&mut app, Char('s'), KeyModifiers::NONE, &mock);
    assert!(app.step);
    press(&mut app, Enter, KeyModifiers::NONE, &mock);
    let text = screen_text(&mut app);
    assert!(text.contains("step: about to send"), "{text}");
    assert!(text.contains("\"code\": \"42\""), "{text}");
    assert!(text.contains("STEP"), "the status line shows step mode");
    // Edit the payload: the editor holds it as JSON; replace it and send.
    press(&mut app, Char('e'), KeyModifiers::NONE, &mock);
    assert!(screen_text(&mut app).contains("edit the payload"));
    for _ in 0..4 {
        press(&mut app, KeyCode::End, KeyModifiers::NONE, &mock);
        press(&mut app, KeyCode::Down, KeyModifiers::NONE, &mock);
    }
    press(&mut app, Char('s'), KeyModifiers::CONTROL, &mock);
    // The answer is held too.
    let text = screen_text(&mut app);
    assert!(
        text.contains("the answer arrived") && text.contains("Welcome aboard"),
        "{text}"
    );
    assert_eq!(app.session().current(), Some("ASK"));
    press(&mut app, Enter, KeyModifiers::NONE, &mock);
    assert_eq!(app.session().current(), Some("DONE"));
    assert!(screen_text(&mut app).contains("Welcome aboard"));

    press(&mut app, Char('i'), KeyModifiers::NONE, &mock);
    let text = screen_text(&mut app);
    assert!(
        text.contains("endpoint inspector") && text.contains("data_exchange"),
        "{text}"
    );
    assert!(
        text.contains("Request (decrypted)") && text.contains("Answer (decrypted)"),
        "{text}"
    );
    insta::assert_snapshot!("inspector", {
        let t = draw(&mut app, 90, 36);
        // The time of day differs between runs.
        let s = ui::to_text(t.backend().buffer());
        regex::Regex::new(r"\d\d:\d\d:\d\d")
            .unwrap()
            .replace_all(&s, "hh:mm:ss")
            .into_owned()
    });
    press(&mut app, Esc, KeyModifiers::NONE, &mock);
    assert!(!screen_text(&mut app).contains("endpoint inspector"));
}

#[test]
fn step_mode_answers_by_hand_and_cancels() {
    let (mut app, mock) = endpoint_app();
    key(&mut app, Tab); // off the text field: `s` would be typed there
    press(&mut app, Char('s'), KeyModifiers::NONE, &mock);
    press(&mut app, Enter, KeyModifiers::NONE, &mock);
    assert!(app.stepping.is_some());
    press(&mut app, Esc, KeyModifiers::NONE, &mock);
    assert!(
        app.session()
            .snackbar
            .as_deref()
            .unwrap_or("")
            .contains("cancelled")
    );
    press(&mut app, Enter, KeyModifiers::NONE, &mock);
    press(&mut app, Char('a'), KeyModifiers::NONE, &mock);
    assert!(screen_text(&mut app).contains("answer by hand"));
    // The template answers with the current screen; use it: a refresh of ASK.
    press(&mut app, Char('s'), KeyModifiers::CONTROL, &mock);
    assert!(app.stepping.is_none());
    assert_eq!(app.session().current(), Some("ASK"));
    assert_eq!(app.exchanges.len(), 1, "the hand-made answer is listed");
}

#[test]
fn pictures_use_the_terminal_graphics_protocol_when_there_is_one() {
    use ratatui_image::picker::{Picker, ProtocolType};
    let mut picker = Picker::halfblocks();
    picker.set_protocol_type(ProtocolType::Kitty);
    let mut app = open_at(
        &sample("catalogue.json"),
        Start::Navigate {
            screen: Some("COFFEE".into()),
            data: None,
        },
    );
    let without = draw(&mut app, 70, 50);
    let kitty = |t: &Terminal<TestBackend>| {
        t.backend()
            .buffer()
            .content
            .iter()
            .any(|c| c.symbol().contains("\x1b_G"))
    };
    assert!(!kitty(&without), "half-blocks only without a protocol");
    let graphics = Paint {
        graphics: flowsim::ui::image::Graphics::new(picker, (0, 0, 0)),
        ..Theme::DARK.into()
    };
    assert!(graphics.graphics.is_some());
    let with = paint(&mut app, &graphics, 70, 50);
    assert!(
        kitty(&with),
        "the carousel picture is sent with the kitty protocol"
    );
}

/// Presses a key and draws a short terminal, as the runtime does between keys.
fn press_and_draw(app: &mut App, code: KeyCode, mock: &Mock) -> String {
    press(app, code, KeyModifiers::NONE, mock);
    ui::to_text(draw(app, 100, 18).backend().buffer())
}

#[test]
fn page_down_stops_at_the_end_of_the_help_and_the_inspector() {
    let (mut app, mock) = endpoint_app();
    key(&mut app, Tab); // off the text field: `?` and `i` would be typed there
    press(&mut app, Char('?'), KeyModifiers::NONE, &mock);
    draw(&mut app, 100, 18);
    let mut last = String::new();
    for _ in 0..30 {
        last = press_and_draw(&mut app, KeyCode::PageDown, &mock);
    }
    assert!(
        last.contains("wheel scrolls."),
        "the last line shows: {last}"
    );
    // From the last page, one PgUp moves at once: PgDn did not run on past the end.
    let up = press_and_draw(&mut app, KeyCode::PageUp, &mock);
    assert_ne!(
        up, last,
        "PgUp did not move: PgDn had scrolled past the end"
    );
    press(&mut app, Esc, KeyModifiers::NONE, &mock);

    // The inspector's details too, with a short exchange.
    press(&mut app, Enter, KeyModifiers::NONE, &mock);
    assert_eq!(app.session().current(), Some("DONE"));
    let first = press_and_draw(&mut app, Char('i'), &mock);
    assert!(first.contains("endpoint inspector"), "{first}");
    for _ in 0..30 {
        last = press_and_draw(&mut app, KeyCode::PageDown, &mock);
    }
    assert!(last.contains("Answer (decrypted)"), "{last}");
    let up = press_and_draw(&mut app, KeyCode::PageUp, &mock);
    assert_ne!(up, last, "PgUp did not move in the inspector");
}

#[test]
fn the_side_panel_and_the_endpoint_inspector_have_their_own_names() {
    let (mut app, mock) = endpoint_app();
    key(&mut app, Tab);
    press(&mut app, Char('p'), KeyModifiers::NONE, &mock);
    let text = screen_text(&mut app);
    assert!(text.contains("╭ side panel"), "{text}");
    assert!(!text.contains(" inspector "), "{text}");
    press(&mut app, Char('i'), KeyModifiers::NONE, &mock);
    assert!(screen_text(&mut app).contains("╭ endpoint inspector"));
}

#[test]
fn findings_about_an_answer_show_in_the_status_line_panel_and_inspector() {
    let (mut app, _) = endpoint_app();
    // The answer leaves out the data DONE declares.
    let mock = Mock::parse(
        r#"{ "responses": [ { "action": "data_exchange", "screen": "ASK",
              "response": { "screen": "DONE", "data": {} } } ] }"#,
    )
    .unwrap();
    type_text(&mut app, "42");
    key(&mut app, Tab);
    press(&mut app, Enter, KeyModifiers::NONE, &mock);
    assert_eq!(app.session().current(), Some("DONE"));
    let text = screen_text(&mut app);
    let status = text.lines().next().unwrap();
    assert!(status.contains("⚠ 1 finding about the answer"), "{status}");
    press(&mut app, Char('p'), KeyModifiers::NONE, &mock);
    let text = screen_text(&mut app);
    assert!(
        text.contains("Checks of the last endpoint answer")
            && text.contains("⚠ missing-data: Screen DONE declares"),
        "{text}"
    );
    press(&mut app, Char('i'), KeyModifiers::NONE, &mock);
    let text = screen_text(&mut app);
    assert!(
        text.contains("What the client found in the answer") && text.contains("`msg`"),
        "{text}"
    );
}

#[test]
fn after_a_live_reload_requests_follow_the_reloaded_data_api_version() {
    let (mut app, _) = endpoint_app();
    type_text(&mut app, "7");
    // The file now says Data API 4.0: the next request is a 4.0 one, signed.
    let mut flow = (*app.session().flow).clone();
    flow.data_api_version = Some("4.0".into());
    app.handle(Event::Reload(Ok((std::sync::Arc::new(flow), Vec::new()))));
    key(&mut app, Tab);
    let commands = app.handle(Event::Key(KeyEvent::new(Enter, KeyModifiers::NONE)));
    let Some(Command::Request(r)) = commands.first() else {
        panic!("no request: {commands:?}");
    };
    assert_eq!((r.version.as_str(), r.sign_flow_token), ("4.0", true));
    assert_eq!(r.payload()["version"], "4.0");
    assert_eq!(r.data["code"], "7", "what was typed survived the reload");
}

#[test]
fn the_map_key_shows_the_flow_with_this_screen_and_the_path_walked() {
    use ratatui::style::Modifier;
    let mut app = open("welcome.json");
    welcome_to_interests(&mut app);
    key(&mut app, Char('m'));
    let terminal = draw(&mut app, 100, 30);
    let buf = terminal.backend().buffer();
    let text = ui::to_text(buf);
    assert!(text.contains("map of the flow"), "{text}");
    // Each line of the map, and how it is drawn: the row where it starts and its style there.
    let row_of = |needle: &str| -> (u16, u16) {
        let (y, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .unwrap_or_else(|| panic!("the map shows `{needle}`:\n{text}"));
        let x = line[..line.find(needle).unwrap()].chars().count();
        (x as u16, y as u16)
    };
    let (x, y) = row_of("▸ INTERESTS");
    assert!(
        buf[(x, y)].modifier.contains(Modifier::REVERSED),
        "the screen shown now is highlighted"
    );
    let (x, y) = row_of("navigate → INTERESTS");
    assert!(
        buf[(x, y)].modifier.contains(Modifier::BOLD) && buf[(x, y)].fg == Theme::DARK.accent,
        "the route walked is highlighted"
    );
    let (x, y) = row_of("navigate → SUMMARY");
    assert!(
        !buf[(x, y)].modifier.contains(Modifier::BOLD),
        "a route not walked yet is plain"
    );
    insta::assert_snapshot!("map_after_one_step", terminal.backend());
    key(&mut app, Esc);
    assert!(!screen_text(&mut app).contains("map of the flow"));
    assert_eq!(
        app.session().current(),
        Some("INTERESTS"),
        "Esc closes the map, it does not go back"
    );
}

#[test]
fn kept_layouts_draw_what_a_fresh_layout_draws_frame_after_frame() {
    // Each frame after each key, with the paint kept across them: moving the focus, typing,
    // ticking, turning a carousel, scrolling, another width and the next screen all change
    // some components and not others. `draw` checks each frame against a fresh layout.
    use KeyCode::{Backspace, Down, Left, Right};
    let mut turned = false;
    for s in flowsim::samples::SAMPLES {
        let path = sample(s.file);
        let (flow, _) = flowsim::tui::read_flow(&path).unwrap();
        for screen in &flow.screens {
            let mut app = open_at(
                &path,
                Start::Navigate {
                    screen: Some(screen.id.clone()),
                    data: None,
                },
            );
            draw(&mut app, 60, 30);
            // Up to the first thing that takes the focus (a carousel on the coffee screen),
            // then turn it.
            for code in [BackTab; 8].into_iter().chain([Right, Right, Left]) {
                key(&mut app, code);
                draw(&mut app, 60, 30);
                turned |= app.carousel.values().any(|&i| i > 0);
            }
            for round in 0..10 {
                let keys = [
                    Tab,
                    Right,
                    Right,
                    Char('7'),
                    Left,
                    Char('a'),
                    Char(' '),
                    Backspace,
                    Down,
                ];
                for code in keys {
                    key(&mut app, code);
                    draw(&mut app, 60, 30);
                    turned |= app.carousel.values().any(|&i| i > 0);
                }
                if round == 4 {
                    draw(&mut app, 36, 30);
                }
            }
            key(&mut app, Enter);
            draw(&mut app, 60, 30);
        }
    }
    assert!(turned, "a carousel was turned on the way");
}

#[test]
fn a_flow_is_opened_once_at_start() {
    // App::new makes the app; boot starts the session once (an INIT request is sent once).
    let app = open("welcome.json");
    let opened: Vec<&str> = app
        .session()
        .events
        .iter()
        .map(|e| e.message.as_str())
        .filter(|m| m.starts_with("open "))
        .collect();
    assert_eq!(opened, ["open WELCOME"]);
}
