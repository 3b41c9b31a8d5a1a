//! Text of every script on the phone, right-to-left layout, phone sizes and the client's small
//! behaviours: the geometry property test, TestBackend snapshots of Arabic, Hebrew, CJK and
//! emoji screens at three widths and on a right-to-left phone, and one snapshot per small
//! behaviour (each citing what it reproduces).

use std::sync::Arc;

use flowsim::app::device::{Device, Look};
use flowsim::app::{App, Event};
use flowsim::ui::text::{self, Bidi, Dir, Layout};
use flowsim::ui::{self, theme::Theme};
use flowsim_core::flow::source::Source;
use flowsim_core::sim::{Input, Session, Start};
use flowsim_core::validate::check;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use serde_json::{Value, json};

fn session(flow: &Value, screen: Option<&str>) -> Session {
    let checked = check(&Source::new("flow.json", flow.to_string()));
    let mut s = Session::new(Arc::new(checked.flow.expect("an object")), "t");
    s.update(Input::Start(Start::Navigate {
        screen: screen.map(str::to_string),
        data: None,
    }));
    s
}

fn look(device: Device, ui: Dir) -> Look {
    Look {
        device,
        layout: Layout {
            ui,
            bidi: Bidi::Flowsim,
        },
        ..Look::default()
    }
}

/// The phone as `flowsim render` prints it, without colour.
fn render(flow: &Value, screen: Option<&str>, look: &Look, width: Option<u16>) -> String {
    let s = session(flow, screen);
    ui::to_text(&ui::render_screen(
        &s,
        &Theme::DARK,
        look,
        width,
        None,
        true,
    ))
}

// ---------------------------------------------------------------------------------------------
// Geometry
// ---------------------------------------------------------------------------------------------

/// The symbols of one buffer row as a terminal shows them: each cell's grapheme, the cells a
/// wide grapheme covers skipped.
fn row(buf: &Buffer, y: u16) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    let mut x = 0;
    while x < buf.area.width {
        let s = buf[(x, y)].symbol().to_string();
        let w = text::width(&s).max(1) as u16;
        out.push((x, s));
        x += w;
    }
    out
}

/// Checks that the phone filling `buf` keeps its shape: every row exactly as wide as the
/// phone with its border at both ends, the top bar with ✕, the title and ⋮, and every field
/// box closed at its four corners. Returns what is wrong.
fn geometry(buf: &Buffer, title: &str, ui: Dir) -> Result<(), String> {
    let w = buf.area.width;
    let h = buf.area.height;
    for y in 0..h {
        let cells = row(buf, y);
        let shown: String = cells.iter().map(|(_, s)| s.as_str()).collect();
        if text::width(&shown) != w as usize {
            return Err(format!(
                "row {y} is {} cells wide, not {w}: {shown:?}",
                text::width(&shown)
            ));
        }
        // A wide grapheme's second cell is blank, so a terminal draws exactly what the buffer
        // holds.
        let (first, last) = (&cells[0].1, &cells[cells.len() - 1].1);
        let (l, r): (&[&str], &[&str]) = match y {
            0 => (&["╭"], &["╮"]),
            y if y == h - 1 => (&["╰"], &["╯"]),
            2 => (&["├"], &["┤"]),
            _ => (&["│", "┃"], &["│", "┃"]),
        };
        if !l.contains(&first.as_str()) || !r.contains(&last.as_str()) {
            return Err(format!("row {y} lost its border: {shown:?}"));
        }
    }
    // The top bar: close button and menu at their places, the title cut with an ellipsis.
    let bar: String = row(buf, 1).iter().map(|(_, s)| s.as_str()).collect();
    let (start, end) = match ui {
        Dir::Ltr => ("│ ✕ ", " ⋮ │"),
        Dir::Rtl => ("│ ⋮ ", " ✕ │"),
    };
    if !bar.starts_with(start) || !bar.ends_with(end) {
        return Err(format!("the top bar lost ✕ or ⋮: {bar:?}"));
    }
    let room = w as usize - 8;
    if text::width(title) > room && !bar.contains('…') {
        return Err(format!("a long title is not cut with an ellipsis: {bar:?}"));
    }
    // Field boxes: a ╭ has its ╮ on the same row, │ under both on every row down to ╰ and ╯.
    for y in 3..h.saturating_sub(1) {
        let cells = row(buf, y);
        for (i, (x0, s)) in cells.iter().enumerate() {
            if s != "╭" || *x0 == 0 {
                continue;
            }
            let Some((x1, _)) = cells[i..].iter().find(|(_, s)| s == "╮") else {
                return Err(format!("row {y}: a box has no top-right corner"));
            };
            let mut yy = y + 1;
            loop {
                if yy >= h - 1 {
                    return Err(format!("the box at row {y} has no bottom"));
                }
                let (a, b) = (buf[(*x0, yy)].symbol(), buf[(*x1, yy)].symbol());
                match (a, b) {
                    ("╰", "╯") => break,
                    ("│", "│") => yy += 1,
                    _ => {
                        let shown: String = row(buf, yy).iter().map(|(_, s)| s.as_str()).collect();
                        return Err(format!(
                            "the box at row {y} is broken at row {yy}: {shown:?}"
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Words of many scripts, with the hard cases: emoji ZWJ sequences, flags, skin tones,
/// variation selectors and combining marks.
const WORDS: &[&str] = &[
    "مرحبا",
    "بِسْمِ",
    "الاسم",
    "שָׁלוֹם",
    "עברית",
    "नमस्ते",
    "क्षत्रिय",
    "สวัสดีครับ",
    "ภาษาไทย",
    "欢迎光临",
    "日本語のテキスト",
    "한국어",
    "👨\u{200d}👩\u{200d}👧\u{200d}👦",
    "👩🏽\u{200d}💻",
    "🏳️\u{200d}🌈",
    "🇸🇦",
    "🇮🇳🇧🇷",
    "👍🏿",
    "❤️",
    "☕️",
    "1️⃣",
    "e\u{301}",
    "a\u{308}\u{301}\u{323}",
    "Z\u{335}\u{31b}\u{317}",
    "(123)",
    "Olá",
    "Ada",
    "supercalifragilisticexpialidocious",
];

fn phrase() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(WORDS), prop::bool::ANY), 0..10).prop_map(|words| {
        let mut s = String::new();
        for (w, glued) in words {
            if !s.is_empty() && !glued {
                s.push(' ');
            }
            s.push_str(w);
        }
        s
    })
}

/// A flow whose first screen uses every component drawn in the body, filled with `t`.
fn every_component(t: &[String]) -> Value {
    let opts = |n: usize| -> Vec<Value> {
        (0..n)
            .map(|i| {
                json!({ "id": format!("o{i}"), "title": t[(i + 3) % t.len()],
                        "description": t[(i + 4) % t.len()], "metadata": t[(i + 5) % t.len()] })
            })
            .collect()
    };
    json!({
        "version": "7.3",
        "screens": [{
            "id": "FIRST", "title": t[0], "terminal": true, "data": {},
            "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "TextHeading", "text": t[1] },
                { "type": "TextSubheading", "text": t[2] },
                { "type": "TextBody", "text": t[3] },
                { "type": "TextCaption", "text": t[4] },
                { "type": "TextBody", "markdown": true, "text": [format!("**{}** {}", t[5], t[6]), format!("- {}", t[7]), format!("1. {}", t[8])] },
                { "type": "RichText", "text": [format!("# {}", t[9]), format!("| {} | {} |", t[1], t[2]), "| --- | --- |".to_string(), format!("| {} | {} |", t[3], t[4])] },
                { "type": "TextInput", "name": "a", "label": t[5], "helper-text": t[6], "init-value": t[7] },
                { "type": "TextInput", "name": "a2", "label": t[8], "label-variant": "large", "required": true },
                { "type": "TextArea", "name": "b", "label": t[8], "init-value": t[9] },
                { "type": "Dropdown", "name": "c", "label": t[10], "data-source": opts(3), "init-value": "o1" },
                { "type": "DatePicker", "name": "d", "label": t[11], "helper-text": t[1] },
                { "type": "CalendarPicker", "name": "e", "mode": "range", "title": t[2], "description": t[3],
                  "label": { "start-date": t[4], "end-date": t[5] } },
                { "type": "RadioButtonsGroup", "name": "f", "label": t[6], "description": t[7], "data-source": opts(3) },
                { "type": "CheckboxGroup", "name": "g", "label": t[8], "data-source": opts(2), "required": true },
                { "type": "ChipsSelector", "name": "h", "label": t[9], "description": t[10], "max-selected-items": 2, "data-source": opts(4) },
                { "type": "OptIn", "name": "i", "label": t[11],
                  "on-click-action": { "name": "open_url", "url": "https://example.com" } },
                { "type": "EmbeddedLink", "text": t[1],
                  "on-click-action": { "name": "open_url", "url": "https://example.com" } },
                { "type": "Image", "src": "data:image/png;base64,AAAA", "alt-text": t[2] },
                { "type": "Footer", "label": t[3], "left-caption": t[4], "right-caption": t[5],
                  "on-click-action": { "name": "complete", "payload": {} } }
            ]}
        }, {
            "id": "LIST", "title": t[6], "data": {},
            "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "NavigationList", "name": "n", "label": t[7], "description": t[8],
                  "list-items": [{ "id": "x", "main-content": { "title": t[9], "description": t[10], "metadata": t[11] },
                                   "end": { "title": t[1], "description": t[2] }, "badge": t[3], "tags": [t[4], t[5]] }] }
            ]}
        }, {
            "id": "MEDIA", "title": t[7], "data": {},
            "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "PhotoPicker", "name": "p", "label": t[8], "description": t[9] },
                { "type": "Footer", "label": t[10], "center-caption": t[11],
                  "on-click-action": { "name": "complete", "payload": {} } }
            ]}
        }]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Random text of every script, in every component, at every width from 30 to 60, on a
    /// left-to-right and a right-to-left phone, ordered by flowsim or left to the terminal:
    /// the phone keeps its shape.
    #[test]
    fn text_of_every_script_never_breaks_the_phone(
        t in prop::collection::vec(phrase(), 12),
        width in 30u16..=60,
        rtl in prop::bool::ANY,
        terminal in prop::bool::ANY,
    ) {
        let ui = if rtl { Dir::Rtl } else { Dir::Ltr };
        let flow = every_component(&t);
        let look = Look {
            layout: Layout { ui, bidi: if terminal { Bidi::Terminal } else { Bidi::Flowsim } },
            draft: true,
            ..Look::default()
        };
        for screen in ["FIRST", "LIST", "MEDIA"] {
            let s = session(&flow, Some(screen));
            let buf = ui::render_screen(&s, &Theme::DARK, &look, Some(width), None, false);
            let title = s.view().title;
            if let Err(e) = geometry(&buf, &title, ui) {
                prop_assert!(false, "{screen} at {width}, {ui:?}: {e}\n{}", ui::to_text(&buf));
            }
        }
    }
}

#[test]
fn the_geometry_check_catches_a_broken_phone() {
    let flow = every_component(&vec!["Ada".to_string(); 12]);
    let s = session(&flow, None);
    let mut buf = ui::render_screen(&s, &Theme::DARK, &Look::default(), Some(40), None, true);
    assert_eq!(geometry(&buf, "Ada", Dir::Ltr), Ok(()));
    // A box that lost its top-right corner, as an Arabic label did before.
    let y = (0..buf.area.height)
        .find(|&y| row(&buf, y).iter().any(|(x, s)| s == "╭" && *x > 0))
        .unwrap();
    let x = row(&buf, y).iter().find(|(_, s)| s == "╮").unwrap().0;
    buf[(x, y)].set_symbol("─");
    assert!(geometry(&buf, "Ada", Dir::Ltr).is_err());
    assert!(
        geometry(&buf, "Ada", Dir::Rtl).is_err(),
        "and ✕ is on the left"
    );
}

// ---------------------------------------------------------------------------------------------
// Arabic, Hebrew, CJK and emoji screens
// ---------------------------------------------------------------------------------------------

fn i18n_flow() -> Value {
    json!({
        "version": "7.3",
        "screens": [{
            "id": "WELCOME", "title": "مرحبا بك 👋 欢迎", "data": {},
            "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "TextHeading", "text": "أهلاً وسهلاً" },
                { "type": "TextBody", "text": "نقدم أفضل المنتجات (بأسعار مناسبة) منذ 2010." },
                { "type": "TextBody", "text": "欢迎光临我们的商店，我们提供最好的产品和服务。" },
                { "type": "TextCaption", "text": "שלום! טקסט בעברית עם מספר 42." },
                { "type": "TextInput", "name": "name", "label": "الاسم الكامل", "required": true, "init-value": "أحمد Ahmed" },
                { "type": "RadioButtonsGroup", "name": "family", "label": "العائلة 👨‍👩‍👧", "required": true,
                  "data-source": [
                    { "id": "a", "title": "عائلة 👨‍👩‍👧‍👦 كبيرة", "description": "أكثر من أربعة" },
                    { "id": "b", "title": "Family 👨‍👩‍👧 🇸🇦 👍🏽 ❤️", "metadata": "¥100" },
                    { "id": "c", "title": "家庭 中文" }
                  ] },
                { "type": "ChipsSelector", "name": "tags", "label": "الاهتمامات", "required": true,
                  "data-source": [ { "id": "x", "title": "رياضة ⚽" }, { "id": "y", "title": "音乐 🎵" }, { "id": "z", "title": "Café ☕️" } ] },
                { "type": "Footer", "label": "متابعة", "left-caption": "الخطوة ١", "right-caption": "من ٢",
                  "on-click-action": { "name": "navigate", "next": { "type": "screen", "name": "DONE" }, "payload": {} } }
            ]}
        }, {
            "id": "DONE", "title": "شكراً 🎉", "terminal": true, "data": {},
            "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "Footer", "label": "إنهاء", "on-click-action": { "name": "complete", "payload": {} } }
            ]}
        }]
    })
}

/// The preview of `flow` (named `name`) on a phone of `look`, booted.
fn open(name: &str, flow: &Value, look: Look) -> App {
    let checked = check(&Source::new(name, flow.to_string()));
    let mut app = App::new(
        name,
        Arc::new(checked.flow.unwrap()),
        Vec::new(),
        Start::Navigate {
            screen: None,
            data: None,
        },
        "flowsim",
    );
    app.look = look;
    app.boot();
    app
}

/// The preview as a person sees it: the App drawn on a TestBackend.
fn preview(flow: &Value, look: Look, width: u16) -> Terminal<TestBackend> {
    let mut app = open("i18n.json", flow, look);
    let mut terminal = Terminal::new(TestBackend::new(width, 46)).unwrap();
    terminal
        .draw(|f| app.drawn = ui::draw(f, &app, &Theme::DARK.into()))
        .unwrap();
    terminal
}

#[test]
fn arabic_hebrew_cjk_and_emoji_at_three_widths_and_right_to_left() {
    let flow = i18n_flow();
    for device in [Device::Small, Device::Android, Device::Meta] {
        for ui in [Dir::Ltr, Dir::Rtl] {
            let terminal = preview(&flow, look(device, ui), 64);
            let name = format!("i18n__{device:?}__{ui:?}").to_lowercase();
            insta::assert_snapshot!(name, terminal.backend());
        }
    }
}

#[test]
fn right_to_left_text_is_in_display_order_and_aligned_right() {
    let text = render(&i18n_flow(), None, &look(Device::Android, Dir::Ltr), None);
    // "أهلاً وسهلاً" is drawn right to left: its last word comes first, at the right edge.
    let heading = text.lines().nth(3).unwrap();
    assert!(heading.ends_with("اًلهسو اًلهأ │"), "{heading:?}");
    // Chinese and the English option keep left alignment on the same phone.
    assert!(text.contains("│ 欢迎光临"), "{text}");
    assert!(text.contains("○ Family"), "{text}");
    // With the order left to the terminal, the same line is written in reading order.
    let mut terminal = look(Device::Android, Dir::Ltr);
    terminal.layout.bidi = Bidi::Terminal;
    let logical = render(&i18n_flow(), None, &terminal, None);
    assert!(
        logical.lines().nth(3).unwrap().ends_with("أهلاً وسهلاً │"),
        "{logical}"
    );
}

#[test]
fn a_right_to_left_phone_mirrors_its_chrome() {
    let ltr = render(&i18n_flow(), None, &look(Device::Android, Dir::Ltr), None);
    let rtl = render(&i18n_flow(), None, &look(Device::Android, Dir::Rtl), None);
    let line = |t: &str, needle: &str| t.lines().find(|l| l.contains(needle)).unwrap().to_string();
    assert!(line(&ltr, "欢迎 👋").starts_with("│ ✕"));
    assert!(line(&rtl, "欢迎 👋").starts_with("│ ⋮"));
    // The radio control moves to the right of its title; captions swap sides.
    assert!(line(&ltr, "Family").contains("○ Family"));
    assert!(line(&rtl, "Family").contains("❤️ ○"), "{rtl}");
    assert!(line(&ltr, "ةوطخلا").starts_with("│ ١ ةوطخلا"), "{ltr}");
    assert!(line(&rtl, "ةوطخلا").starts_with("│ ٢ نم"), "{rtl}");
    // The progress bar fills from the right.
    assert!(rtl.lines().nth(2).unwrap().ends_with("━┤"));
    assert!(ltr.lines().nth(2).unwrap().starts_with("├━"));
}

// ---------------------------------------------------------------------------------------------
// Phone sizes
// ---------------------------------------------------------------------------------------------

#[test]
fn phone_sizes_and_the_key_that_switches_them() {
    let flow = i18n_flow();
    for (device, cols) in [
        (Device::Small, 36),
        (Device::Android, 44),
        (Device::Iphone, 47),
        (Device::Meta, 50),
    ] {
        let text = render(&flow, None, &look(device, Dir::Ltr), None);
        assert_eq!(
            text::width(text.lines().next().unwrap()),
            cols,
            "{device:?}"
        );
    }
    let mut big = look(Device::Android, Dir::Ltr);
    big.large_font = true;
    let text = render(&flow, None, &big, None);
    assert_eq!(text::width(text.lines().next().unwrap()), 33);

    let mut app = open("f.json", &flow, Look::default());
    // Off the text field, `d` switches the size and the status line names it.
    app.handle(Event::Key(flowsim::app::input::KeyEvent::from(
        flowsim::app::input::KeyCode::Tab,
    )));
    let status = |app: &mut App| {
        let mut t = Terminal::new(TestBackend::new(100, 40)).unwrap();
        t.draw(|f| app.drawn = ui::draw(f, app, &Theme::DARK.into()))
            .unwrap();
        ui::to_text(t.backend().buffer())
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert!(status(&mut app).contains("Android 360 px"));
    app.handle(Event::Key(flowsim::app::input::KeyEvent::from(
        flowsim::app::input::KeyCode::Char('d'),
    )));
    assert_eq!(app.look.device, Device::Iphone);
    assert!(status(&mut app).contains("iPhone 390 px"));
    app.handle(Event::Key(flowsim::app::input::KeyEvent::from(
        flowsim::app::input::KeyCode::Char('f'),
    )));
    assert!(status(&mut app).contains("iPhone 390 px, large font"));
}

// ---------------------------------------------------------------------------------------------
// The client's small behaviours
// ---------------------------------------------------------------------------------------------

fn one_screen(children: Value) -> Value {
    json!({ "version": "7.3", "screens": [{ "id": "S", "title": "Small things", "terminal": true,
        "data": {}, "layout": { "type": "SingleColumnLayout", "children": children } }] })
}

fn footer() -> Value {
    json!({ "type": "Footer", "label": "Continue", "on-click-action": { "name": "complete", "payload": {} } })
}

fn small(name: &str, children: Value) {
    let text = render(&one_screen(children), None, &Look::default(), Some(40));
    insta::assert_snapshot!(name, text);
}

/// META-COMP l.512-518: "17 / 600" under a text area holding 17 characters.
#[test]
fn text_area_counts_its_characters() {
    small(
        "small__text_area_counter",
        json!([
            { "type": "TextArea", "name": "a", "label": "Text Area", "init-value": "This is text area", "required": true },
            { "type": "TextArea", "name": "b", "label": "Short note", "max-length": 40, "helper-text": "A few words" },
            footer()
        ]),
    );
}

/// client-look.md §2b: "(optional)" in the helper slot of text fields and date pickers, after
/// the label of selection groups; nothing on required fields.
#[test]
fn optional_fields_say_so_and_required_ones_do_not() {
    small(
        "small__optional",
        json!([
            { "type": "TextInput", "name": "a", "label": "First name", "required": true },
            { "type": "TextInput", "name": "b", "label": "Second name" },
            { "type": "DatePicker", "name": "c", "label": "Date" },
            { "type": "CalendarPicker", "name": "d", "label": "Day" },
            { "type": "RadioButtonsGroup", "name": "e", "label": "Select country:", "data-source": [{ "id": "x", "title": "Spain" }] },
            { "type": "CheckboxGroup", "name": "f", "label": "Checkbox group example", "data-source": [{ "id": "x", "title": "One" }] },
            { "type": "CheckboxGroup", "name": "g", "label": "Required group", "required": true, "data-source": [{ "id": "x", "title": "One" }] },
            footer()
        ]),
    );
}

/// META-COMP l.1928-1930: "Choose up to 2 options." after the description.
#[test]
fn chips_say_how_many_can_be_chosen() {
    small(
        "small__chips_hint",
        json!([
            { "type": "ChipsSelector", "name": "a", "label": "Personalize your experience",
              "description": "Choose your interests to get personalized design ideas and solution",
              "max-selected-items": 2,
              "data-source": [{ "id": "r", "title": "Room layouts" }, { "id": "l", "title": "Lighting" }, { "id": "f", "title": "Furniture" }] },
            footer()
        ]),
    );
}

/// META-MU: "Add 1 to 10 photos. Max file size 10 MB." and "Take photo"; "Max file size 1 MB."
/// and "Upload document".
#[test]
fn pickers_say_what_they_take_and_show_their_button() {
    small(
        "small__photo_picker",
        json!([
            { "type": "PhotoPicker", "name": "p", "label": "Upload photos",
              "description": "Please attach images about the received items",
              "photo-source": "camera_gallery", "min-uploaded-photos": 1, "max-uploaded-photos": 10, "max-file-size-kb": 10240 },
            footer()
        ]),
    );
    small(
        "small__document_picker",
        json!([
            { "type": "DocumentPicker", "name": "d", "label": "Contract",
              "description": "Attach the signed copy of the contract",
              "min-uploaded-documents": 1, "max-uploaded-documents": 1, "max-file-size-kb": 1024,
              "allowed-mime-types": ["image/jpeg", "application/pdf"] },
            footer()
        ]),
    );
}

/// components.md §5.13: "Read more" only with an on-click-action.
#[test]
fn opt_in_reads_more_only_with_an_action() {
    small(
        "small__opt_in",
        json!([
            { "type": "OptIn", "name": "a", "label": "This is an OptIn",
              "on-click-action": { "name": "open_url", "url": "https://example.com" } },
            { "type": "OptIn", "name": "b", "label": "This one has no link" },
            footer()
        ]),
    );
}

/// components.md §5.12: captions left and right, or centre only, above the button.
#[test]
fn footer_captions_sit_above_the_button() {
    let caps = |extra: Value| {
        let mut f = footer();
        f.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!([{ "type": "TextBody", "text": "Body" }, f])
    };
    small(
        "small__footer_left_right",
        caps(json!({ "left-caption": "This is left", "right-caption": "This is right" })),
    );
    small(
        "small__footer_center",
        caps(json!({ "center-caption": "Step 1 of 3" })),
    );
}

/// META-CL: flows of more than one screen show the progress indicator; META-TD: drafts carry
/// a warning banner.
#[test]
fn progress_and_the_draft_banner() {
    let two = json!({ "version": "7.3", "screens": [
        { "id": "A", "title": "First", "data": {}, "layout": { "type": "SingleColumnLayout", "children": [
            { "type": "Footer", "label": "Next", "on-click-action": { "name": "navigate", "next": { "type": "screen", "name": "B" }, "payload": {} } } ] } },
        { "id": "B", "title": "Second", "terminal": true, "data": {}, "layout": { "type": "SingleColumnLayout", "children": [ footer() ] } } ] });
    let draft = Look {
        draft: true,
        ..Look::default()
    };
    let text = render(&two, None, &draft, Some(40));
    insta::assert_snapshot!("small__progress_and_draft", text);
    let one = render(
        &one_screen(json!([footer()])),
        None,
        &Look::default(),
        Some(40),
    );
    assert!(
        !one.contains('━'),
        "a single screen has no progress indicator:\n{one}"
    );
    assert!(!one.contains("Draft"), "no banner without --draft");
}

/// components.md §5.17: Image `contain` without a height takes Android's default of 400,
/// centred in it; `cover` keeps the picture's own shape.
#[test]
fn contained_images_take_androids_default_height() {
    // A 2×1 PNG: contain leaves space above and below it in the 400 dp box.
    const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg==";
    let flow = |scale: &str| {
        one_screen(json!([
            { "type": "TextBody", "text": "above" },
            { "type": "Image", "src": PNG, "scale-type": scale },
            { "type": "TextBody", "text": "below" },
            footer()
        ]))
    };
    let rows = |scale: &str| {
        let s = session(&flow(scale), None);
        let buf = ui::render_screen(&s, &Theme::DARK, &Look::default(), Some(40), None, false);
        let text = ui::to_text(&buf);
        let lines: Vec<&str> = text.lines().collect();
        let at = |w: &str| lines.iter().position(|l| l.contains(w)).unwrap();
        at("below") - at("above")
    };
    // 400 dp on a 36-column body: 400 × 36 / 360 / 2 = 20 rows, plus the gaps.
    assert_eq!(rows("contain"), 20 + 3);
    assert!(
        rows("cover") < rows("contain"),
        "cover draws the picture's own height"
    );
}

/// A Dropdown's list opens full screen with its options in display order, the control on the
/// phone's start side; a snackbar in Arabic is aligned right.
#[test]
fn overlays_and_the_snackbar_follow_the_direction() {
    let flow = one_screen(json!([
        { "type": "Dropdown", "name": "city", "label": "المدينة", "required": true,
          "data-source": [{ "id": "r", "title": "الرياض" }, { "id": "j", "title": "جدة" }] },
        footer()
    ]));
    let mut app = open("f.json", &flow, look(Device::Android, Dir::Rtl));
    app.handle(Event::Key(flowsim::app::input::KeyEvent::from(
        flowsim::app::input::KeyCode::Enter,
    )));
    let mut t = Terminal::new(TestBackend::new(60, 30)).unwrap();
    t.draw(|f| app.drawn = ui::draw(f, &app, &Theme::DARK.into()))
        .unwrap();
    let text = ui::to_text(t.backend().buffer());
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("ضايرلا").trim_end().ends_with("ضايرلا ○ │"), "{text}");
    assert!(line("ةنيدملا").trim_end().ends_with("ةنيدملا │"), "{text}");

    let mut s = session(&flow, None);
    s.snackbar = Some("حدث خطأ".into());
    let buf = ui::render_screen(
        &s,
        &Theme::DARK,
        &look(Device::Android, Dir::Ltr),
        None,
        None,
        true,
    );
    let text = ui::to_text(&buf);
    assert!(text.lines().any(|l| l.ends_with("أطخ ثدح  │")), "{text}");
}

/// The progress indicator measures the longest way on without walking every path: a flow
/// that branches at each of 60 screens has 2^59 paths.
#[test]
fn progress_on_a_flow_that_branches_everywhere_is_quick() {
    let n = 60;
    let screens: Vec<Value> = (0..n)
        .map(|i| {
            let go = |to: usize| json!({ "type": "EmbeddedLink", "text": format!("to {to}"),
                "on-click-action": { "name": "navigate", "next": { "type": "screen", "name": format!("S{to}") }, "payload": {} } });
            let children = if i + 2 < n {
                json!([go(i + 1), go(i + 2)])
            } else {
                json!([footer()])
            };
            json!({ "id": format!("S{i}"), "title": format!("Screen {i}"), "terminal": i + 2 >= n,
                    "data": {}, "layout": { "type": "SingleColumnLayout", "children": children } })
        })
        .collect();
    let flow = json!({ "version": "7.3", "screens": screens });
    let started = std::time::Instant::now();
    let text = render(&flow, None, &Look::default(), Some(40));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // One screen of a 59-screen-long way: less than a cell of the bar is filled.
    let bar = text.lines().nth(2).unwrap();
    assert!(bar.starts_with("├─"), "{bar}");
}
