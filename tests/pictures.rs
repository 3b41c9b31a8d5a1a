//! Pictures: item pictures in half-blocks (snapshots, and the colours at the picture's cells),
//! placeholders that say why, the caches (decodes and scalings per frame, bytes held), and what
//! each graphics protocol writes to the terminal when the screen changes.

use std::cell::RefCell;
use std::io::Cursor;
use std::rc::Rc;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use flowsim::app::input::{KeyCode, KeyEvent, KeyModifiers};
use flowsim::app::{App, Event, Finding, Target};
use flowsim::ui::image::{self, Graphics};
use flowsim::ui::text::Dir;
use flowsim::ui::{self, Paint, theme::Theme};
use flowsim_core::flow::model::Flow;
use flowsim_core::flow::source::Source;
use flowsim_core::flow::spec::Kind;
use flowsim_core::sim::Start;
use flowsim_core::validate::check;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::{Terminal, TerminalOptions, Viewport};
use ratatui_image::picker::{Picker, ProtocolType};
use serde_json::{Value, json};

/// A PNG of one colour, as base64.
fn solid(w: u32, h: u32, [r, g, b]: [u8; 3]) -> String {
    let img = ::image::RgbImage::from_pixel(w, h, ::image::Rgb([r, g, b]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ::image::ImageFormat::Png)
        .expect("encode png");
    B64.encode(out.into_inner())
}

const RED: [u8; 3] = [220, 20, 20];
const GREEN: [u8; 3] = [20, 200, 20];
const YELLOW: [u8; 3] = [240, 200, 0];

fn rgb([r, g, b]: [u8; 3]) -> Color {
    Color::Rgb(r, g, b)
}

/// A one-screen flow of `children` (a Footer is added).
fn flow(version: &str, children: Vec<Value>) -> Value {
    let mut children = children;
    children.push(json!({ "type": "Footer", "label": "Done",
        "on-click-action": { "name": "complete", "payload": {} } }));
    json!({ "version": version, "screens": [ { "id": "PICTURES", "title": "Pictures",
        "terminal": true, "layout": { "type": "SingleColumnLayout", "children": children } } ] })
}

/// The App on `flow`'s first screen, booted.
fn booted(name: &str, flow: Arc<Flow>, findings: Vec<Finding>) -> App {
    let mut app = App::new(
        name,
        flow,
        findings,
        Start::Navigate {
            screen: None,
            data: None,
        },
        "flowsim",
    );
    app.boot();
    app
}

fn open(flow: &Value) -> App {
    let checked = check(&Source::new("pictures.json", flow.to_string()));
    booted(
        "pictures.json",
        Arc::new(checked.flow.expect("a flow")),
        Vec::new(),
    )
}

fn sample(file: &str) -> App {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-flows")
        .join(file);
    let (flow, findings) = flowsim::tui::read_flow(&path).expect("sample loads");
    booted(file, flow, findings)
}

fn key(app: &mut App, code: KeyCode) {
    app.handle(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn draw(app: &mut App, paint: &Paint, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut drawn = None;
    terminal
        .draw(|f| drawn = Some(ui::draw(f, app, paint)))
        .unwrap();
    app.drawn = drawn.unwrap();
    terminal
}

/// The cells whose both pixels are `color`, if they form one whole rectangle.
fn picture_at(buf: &Buffer, color: Color) -> Option<Rect> {
    let cells: Vec<(u16, u16)> = buf
        .area
        .positions()
        .filter(|p| {
            let c = &buf[*p];
            c.symbol() == "▀" && c.fg == color && c.bg == color
        })
        .map(|p| (p.x, p.y))
        .collect();
    let x = cells.iter().map(|c| c.0).min()?;
    let y = cells.iter().map(|c| c.1).min()?;
    let w = cells.iter().map(|c| c.0).max()? - x + 1;
    let h = cells.iter().map(|c| c.1).max()? - y + 1;
    (usize::from(w) * usize::from(h) == cells.len()).then_some(Rect::new(x, y, w, h))
}

/// Where `text` starts in the buffer.
fn find(buf: &Buffer, text: &str) -> (u16, u16) {
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(i) = line.find(text) {
            return (line[..i].chars().count() as u16, y);
        }
    }
    panic!("{text} is not on the screen");
}

fn items_flow() -> Value {
    flow(
        "7.3",
        vec![
            json!({ "type": "RadioButtonsGroup", "name": "radio", "label": "Radio",
                "data-source": [
                    { "id": "red", "title": "Red", "description": "A red square",
                      "image": solid(8, 8, RED), "alt-text": "a red square" },
                    { "id": "plain", "title": "No picture" } ] }),
            json!({ "type": "CheckboxGroup", "name": "check", "label": "Large",
                "media-size": "large",
                "data-source": [ { "id": "green", "title": "Green",
                    "image": solid(40, 10, GREEN), "alt-text": "a green strip" } ] }),
            json!({ "type": "Dropdown", "name": "drop", "label": "Pick", "init-value": "yellow",
                "data-source": [
                    { "id": "yellow", "title": "Yellow", "image": solid(4, 4, YELLOW),
                      "alt-text": "a yellow square" },
                    { "id": "none", "title": "None" } ] }),
        ],
    )
}

#[test]
fn item_pictures_are_drawn_where_the_client_draws_them() {
    let flow = items_flow();
    let mut app = open(&flow);
    let terminal = draw(&mut app, &Theme::DARK.into(), 50, 40);
    insta::assert_snapshot!("item_pictures", terminal.backend());
    let buf = terminal.backend().buffer();

    // The phone's body is 40 cells wide: a regular picture is 56 dp, 6 columns × 3 rows,
    // right after the radio mark and before the title, on the title's line.
    let red = picture_at(buf, rgb(RED)).expect("the red picture");
    let (x, y) = find(buf, "Red");
    assert_eq!((red.width, red.height), (6, 3));
    assert_eq!(
        (red.right() + 1, red.y),
        (x, y),
        "the title follows the picture"
    );
    assert_ne!(buf[(red.x - 1, red.y)].fg, rgb(RED));
    let (_, plain) = find(buf, "No picture");
    assert!(
        (0..buf.area.width).all(|x| buf[(x, plain)].symbol() != "▀"),
        "an item without a picture has none"
    );

    // media-size large: twice the size (12 × 6), the strip cropped to fill it.
    let green = picture_at(buf, rgb(GREEN)).expect("the green picture");
    assert_eq!((green.width, green.height), (12, 6));
    assert_eq!(green.y, find(buf, "Green").1);

    // The Dropdown's chosen option shows its picture in the field.
    let yellow = picture_at(buf, rgb(YELLOW)).expect("the chosen option's picture");
    assert_eq!((yellow.width, yellow.height), (6, 3));
    let (x, y) = find(buf, "Yellow");
    assert_eq!((yellow.right() + 1, yellow.y), (x, y));
    assert_eq!(
        buf[(yellow.x - 2, yellow.y)].symbol(),
        "│",
        "inside the field"
    );

    // And in its list.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Enter);
    let terminal = draw(&mut app, &Theme::DARK.into(), 50, 40);
    insta::assert_snapshot!("item_pictures_dropdown_list", terminal.backend());
    let buf = terminal.backend().buffer();
    let yellow = picture_at(buf, rgb(YELLOW)).expect("the option's picture in the list");
    assert_eq!((yellow.right() + 1, yellow.y), find(buf, "Yellow"));
}

#[test]
fn a_right_to_left_phone_mirrors_the_row_not_the_picture() {
    let red = solid(8, 8, RED);
    let halves = {
        // Left half yellow, right half green: mirroring the picture would swap them.
        let img = ::image::RgbImage::from_fn(8, 8, |x, _| {
            ::image::Rgb(if x < 4 { YELLOW } else { GREEN })
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ::image::ImageFormat::Png).unwrap();
        B64.encode(out.into_inner())
    };
    let flow = flow(
        "7.3",
        vec![
            json!({ "type": "RadioButtonsGroup", "name": "radio", "label": "Radio",
            "data-source": [ { "id": "a", "title": "Halves", "image": halves },
                             { "id": "b", "title": "Red", "image": red } ] }),
        ],
    );
    let mut app = open(&flow);
    app.look.layout.ui = Dir::Rtl;
    let terminal = draw(&mut app, &Theme::DARK.into(), 50, 40);
    let buf = terminal.backend().buffer();
    let red = picture_at(buf, rgb(RED)).expect("the red picture");
    let (x, y) = find(buf, "Red");
    assert_eq!(y, red.y);
    assert!(
        x < red.x,
        "the title is on the picture's left: {x} < {}",
        red.x
    );
    // The radio mark is at the right edge, the picture next to it.
    let (mark, _) = find(buf, "○");
    assert_eq!(red.right() + 1, mark);
    // The halves picture keeps yellow on its left.
    let (_, halves_y) = find(buf, "Halves");
    let left = &buf[(red.x, halves_y)];
    let right = &buf[(red.right() - 1, halves_y)];
    assert_eq!((left.fg, right.fg), (rgb(YELLOW), rgb(GREEN)));
}

#[test]
fn pictures_that_cannot_be_drawn_say_why() {
    let mut truncated = B64.decode(solid(8, 8, RED)).unwrap();
    truncated.truncate(truncated.len() / 2);
    let flow = flow(
        "7.3",
        vec![
            json!({ "type": "Image", "src": "bm90IGFuIGltYWdl", "height": 60,
                "alt-text": "the shop front" }),
            json!({ "type": "RadioButtonsGroup", "name": "radio", "label": "Radio",
                "data-source": [
                    { "id": "broken", "title": "Broken", "image": B64.encode(&truncated) },
                    // 6.0 and later: item pictures up to 100 KB.
                    { "id": "big", "title": "Big", "image": "A".repeat(150 * 1024) } ] }),
        ],
    );
    let mut app = open(&flow);
    let terminal = draw(&mut app, &Theme::DARK.into(), 50, 40);
    insta::assert_snapshot!("pictures_that_cannot_be_drawn", terminal.backend());
    let text = ui::to_text(terminal.backend().buffer());
    assert!(text.contains("⚠ the shop front"), "{text}");
    assert!(text.contains("not a PNG or JPEG picture"), "{text}");
    assert!(text.contains("broken"), "{text}");
    assert!(text.contains(">100KB"), "{text}");
    // The placeholder is a grey box of the picture's size.
    let buf = terminal.backend().buffer();
    let (x, y) = find(buf, "Broken");
    assert!((x - 7..x - 1).all(|cx| buf[(cx, y)].bg == Theme::DARK.bar));

    // Plain output prints what a screen reader reads.
    let session = open(&items_flow()).session().clone();
    let plain = ui::to_text(&ui::render_screen(
        &session,
        &Theme::DARK,
        &Default::default(),
        None,
        None,
        true,
    ));
    assert!(plain.contains("[image: a red square]"), "{plain}");
    assert!(plain.contains("[image: a green strip]"), "{plain}");
    assert!(plain.contains("[image: a yellow square]"), "{plain}");
    assert!(!plain.contains('▀'), "{plain}");
}

#[test]
fn pictures_are_decoded_once_and_scaled_once_per_size() {
    let mut app = sample("catalogue.json");
    key(&mut app, KeyCode::Enter); // the Coffee bar: a carousel and four drinks
    let sixel = graphics(ProtocolType::Sixel);
    let before = image::stats();
    draw(&mut app, &sixel, 60, 48);
    let first = image::stats();
    // The carousel's first picture and the four drinks'.
    assert_eq!(first.decodes - before.decodes, 5);
    assert_eq!(first.scales - before.scales, 5);
    assert_eq!(
        sixel.graphics.as_ref().unwrap().encodes(),
        5,
        "each encoded once"
    );
    for _ in 0..3 {
        draw(&mut app, &sixel, 60, 48);
    }
    key(&mut app, KeyCode::PageDown);
    draw(&mut app, &sixel, 60, 48);
    let later = image::stats();
    assert_eq!(later.decodes, first.decodes, "no picture decoded again");
    assert_eq!(later.scales, first.scales, "nor scaled again");
    // The next carousel picture: one decode, one scaling.
    key(&mut app, KeyCode::PageUp);
    focus_carousel(&mut app);
    key(&mut app, KeyCode::Right);
    draw(&mut app, &sixel, 60, 48);
    let next = image::stats();
    assert_eq!(
        (next.decodes - later.decodes, next.scales - later.scales),
        (1, 1)
    );
    let wholly_shown = sixel.graphics.as_ref().unwrap().encodes();
    draw(&mut app, &sixel, 60, 48);
    assert_eq!(sixel.graphics.as_ref().unwrap().encodes(), wholly_shown);
}

#[test]
fn a_flow_full_of_large_pictures_stays_within_the_caches_budgets() {
    // Sixteen different 1500×1500 pictures: 9 MB each decoded, 4 MB each kept (1024 pixels on
    // the longer side), 64 MB together, over the budget for decoded pictures.
    let items: Vec<Value> = (0..16u8)
        .map(|i| {
            json!({ "id": format!("i{i}"), "title": format!("Picture {i}"),
                    "image": solid(1500, 1500, [i * 15, 255 - i * 15, 128]) })
        })
        .collect();
    let flow = flow(
        "7.3",
        vec![
            json!({ "type": "RadioButtonsGroup", "name": "radio", "label": "Many",
            "media-size": "large", "data-source": items }),
        ],
    );
    let mut app = open(&flow);
    let paint = graphics(ProtocolType::Sixel);
    for frame in 0..2 {
        // Tall enough to show every picture.
        draw(&mut app, &paint, 60, 200);
        let s = image::stats();
        assert!(s.decoded_bytes <= image::BUDGET_DECODED, "{frame}: {s:?}");
        assert!(s.scaled_bytes <= image::BUDGET_SCALED, "{frame}: {s:?}");
        assert!(s.source_bytes <= image::BUDGET_SOURCES, "{frame}: {s:?}");
        assert!(
            s.decoded_bytes > image::BUDGET_DECODED / 2,
            "{frame}: {s:?}"
        );
        // Each picture decoded once: the second frame finds every drawing in the cache.
        assert_eq!(s.decodes, 16, "{frame}: {s:?}");
    }
    let g = paint.graphics.as_ref().unwrap();
    assert!(g.encoded_bytes() <= image::BUDGET_ENCODED);
    assert_eq!(g.encodes(), 16);
}

/// Graphics through `protocol` with 10×20 pixel cells.
fn graphics(protocol: ProtocolType) -> Paint {
    let mut picker = Picker::halfblocks();
    picker.set_protocol_type(protocol);
    Paint {
        graphics: Graphics::new(picker, (0x0b, 0x14, 0x1a)),
        ..Theme::DARK.into()
    }
}

// ---------------------------------------------------------------------------------------
// What the terminal shows after each frame, for each protocol

/// What a terminal shows of pictures, from the bytes written to it, by xterm's rules: text
/// written over a cell erases the graphics there (xterm's `ScrnWriteText` clears the
/// displayed graphics under the text; iTerm2 and WezTerm replace the cell), erasing the
/// display (`ED 2`) erases them all, and `ECH`/`EL` leave them (xterm does not clear graphics
/// for them). A sixel covers `Ph`/`Pv` pixels of its raster attributes from the cursor, an
/// iTerm2 picture its `width`/`height` pixels; a kitty picture is in its placeholder cells.
struct Screen {
    width: u16,
    height: u16,
    cursor: (u16, u16),
    /// Per cell: the number of the picture shown there.
    pictures: Vec<Option<u32>>,
    drawn: u32,
    cell: (u32, u32),
}

const PLACEHOLDER: char = '\u{10EEEE}';

impl Screen {
    fn new(width: u16, height: u16) -> Screen {
        Screen {
            width,
            height,
            cursor: (0, 0),
            pictures: vec![None; usize::from(width) * usize::from(height)],
            drawn: 0,
            cell: (10, 20),
        }
    }

    fn at(&mut self, x: u16, y: u16) -> Option<&mut Option<u32>> {
        (x < self.width && y < self.height)
            .then(|| &mut self.pictures[usize::from(y) * usize::from(self.width) + usize::from(x)])
    }

    fn picture(&mut self, w_px: u32, h_px: u32) {
        self.drawn += 1;
        let cols = w_px.div_ceil(self.cell.0) as u16;
        let rows = h_px.div_ceil(self.cell.1) as u16;
        let (cx, cy) = self.cursor;
        for y in cy..cy + rows {
            for x in cx..cx + cols {
                let id = self.drawn;
                if let Some(c) = self.at(x, y) {
                    *c = Some(id);
                }
            }
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c != '\x1b' {
                i += 1;
                if unicode_width::UnicodeWidthChar::width(c) == Some(0) || c.is_control() {
                    continue;
                }
                let (x, y) = self.cursor;
                let shown = (c == PLACEHOLDER).then_some(0);
                if let Some(cell) = self.at(x, y) {
                    *cell = shown;
                }
                self.cursor.0 += unicode_width::UnicodeWidthChar::width(c).unwrap_or(1) as u16;
                continue;
            }
            match chars.get(i + 1) {
                Some('[') => {
                    let end = (i + 2..chars.len())
                        .find(|&j| ('\x40'..='\x7e').contains(&chars[j]))
                        .expect("a whole CSI");
                    let params: String = chars[i + 2..end].iter().collect();
                    self.csi(&params, chars[end]);
                    i = end + 1;
                }
                Some('P') | Some('_') | Some(']') => {
                    let kind = chars[i + 1];
                    let end = (i + 2..chars.len())
                        .find(|&j| {
                            chars[j] == '\x07' || (chars[j] == '\\' && chars[j - 1] == '\x1b')
                        })
                        .expect("a whole string sequence");
                    let body: String = chars[i + 2..end].iter().collect();
                    match kind {
                        'P' => {
                            // `"Pan;Pad;Ph;Pv` after the `q`.
                            let raster = body.split('"').nth(1).expect("raster attributes");
                            let nums: Vec<u32> = raster
                                .split(|c: char| !c.is_ascii_digit())
                                .filter(|s| !s.is_empty())
                                .take(4)
                                .map(|s| s.parse().unwrap())
                                .collect();
                            self.picture(nums[2], nums[3]);
                        }
                        ']' if body.starts_with("1337;File=") => {
                            let px = |key: &str| -> u32 {
                                let from = body.find(key).unwrap() + key.len();
                                body[from..].split("px").next().unwrap().parse().unwrap()
                            };
                            self.picture(px("width="), px("height="));
                        }
                        _ => {}
                    }
                    i = end + 1;
                }
                _ => i += 2,
            }
        }
    }

    fn csi(&mut self, params: &str, code: char) {
        let nums: Vec<u16> = params
            .trim_start_matches('?')
            .split(';')
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let n = nums.first().copied().unwrap_or(0).max(1);
        match code {
            'H' => {
                self.cursor = (
                    nums.get(1).copied().unwrap_or(1).max(1) - 1,
                    nums.first().copied().unwrap_or(1).max(1) - 1,
                );
            }
            'A' => self.cursor.1 = self.cursor.1.saturating_sub(n),
            'B' => self.cursor.1 = (self.cursor.1 + n).min(self.height - 1),
            'C' => self.cursor.0 += n,
            'D' => self.cursor.0 = self.cursor.0.saturating_sub(n),
            'J' if nums.first() == Some(&2) => self.pictures.fill(None),
            _ => {}
        }
    }
}

/// The cells ratatui's buffer holds pictures in: a sixel or iTerm2 picture's escape sequence
/// in its first cell and the skipped cells after it, kitty's placeholder cells.
fn pictures_in(buf: &Buffer) -> Vec<bool> {
    buf.content
        .iter()
        .map(|c| {
            matches!(c.diff_option, CellDiffOption::Skip)
                || c.symbol().contains("\x1bP")
                || c.symbol().contains("\x1b]1337")
                || c.symbol().contains(PLACEHOLDER)
        })
        .collect()
}

/// Draws the app on a terminal that records what it is sent and checks that the terminal
/// shows pictures exactly where the frame has them: none stays behind, none is partial.
struct Recorder {
    terminal: Terminal<CrosstermBackend<Sink>>,
    sent: Rc<RefCell<Vec<u8>>>,
    screen: Screen,
    paint: Paint,
}

/// What the terminal is sent.
struct Sink(Rc<RefCell<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Recorder {
    fn new(protocol: ProtocolType) -> Recorder {
        let area = Rect::new(0, 0, 60, 48);
        let sent = Rc::new(RefCell::new(Vec::new()));
        Recorder {
            sent: Rc::clone(&sent),
            terminal: Terminal::with_options(
                CrosstermBackend::new(Sink(sent)),
                TerminalOptions {
                    viewport: Viewport::Fixed(area),
                },
            )
            .unwrap(),
            screen: Screen::new(area.width, area.height),
            paint: graphics(protocol),
        }
    }

    /// Draws a frame; returns how many cells show pictures.
    fn frame(&mut self, app: &mut App, what: &str) -> usize {
        let mut drawn = None;
        let expected = {
            let frame = self
                .terminal
                .draw(|f| drawn = Some(ui::draw(f, app, &self.paint)))
                .unwrap();
            pictures_in(frame.buffer)
        };
        app.drawn = drawn.unwrap();
        let bytes = std::mem::take(&mut *self.sent.borrow_mut());
        self.screen.feed(&bytes);
        let shown: Vec<bool> = self.screen.pictures.iter().map(Option::is_some).collect();
        let stale: Vec<usize> = (0..shown.len())
            .filter(|&i| shown[i] && !expected[i])
            .collect();
        let missing: Vec<usize> = (0..shown.len())
            .filter(|&i| !shown[i] && expected[i])
            .collect();
        let w = usize::from(self.screen.width);
        let cells = |v: &[usize]| v.iter().map(|i| (i % w, i / w)).take(5).collect::<Vec<_>>();
        assert!(
            stale.is_empty(),
            "{what}: stale picture cells {:?}",
            cells(&stale)
        );
        assert!(
            missing.is_empty(),
            "{what}: cells without their picture {:?}",
            cells(&missing)
        );
        shown.iter().filter(|s| **s).count()
    }

    /// The picture shown at a cell.
    fn shown_at(&self, x: u16, y: u16) -> Option<u32> {
        self.screen.pictures[usize::from(y) * usize::from(self.screen.width) + usize::from(x)]
    }
}

#[test]
fn every_protocol_clears_old_pictures_and_draws_whole_new_ones() {
    for protocol in [
        ProtocolType::Sixel,
        ProtocolType::Iterm2,
        ProtocolType::Kitty,
    ] {
        let what = |step: &str| format!("{protocol:?}: {step}");
        let mut app = sample("catalogue.json");
        let mut rec = Recorder::new(protocol);
        let menu = rec.frame(&mut app, &what("the menu"));
        // Two NavigationList pictures, 6×3 cells each.
        assert_eq!(menu, 2 * 6 * 3, "{}", what("menu pictures"));

        key(&mut app, KeyCode::Enter);
        let coffee = rec.frame(&mut app, &what("into the Coffee bar"));
        assert!(
            coffee > 40 * 10,
            "{}: {coffee}",
            what("the carousel and four drinks")
        );
        let (x, y) = carousel_cell(&app);
        let first = rec.shown_at(x, y);

        // The next carousel picture replaces the first, all of it.
        focus_carousel(&mut app);
        key(&mut app, KeyCode::Right);
        rec.frame(&mut app, &what("the next carousel picture"));
        if protocol != ProtocolType::Kitty {
            assert_ne!(rec.shown_at(x, y), first, "{}", what("a new picture"));
        }

        // The help over the pictures (all of them, at this size): none is drawn over it, and
        // once it is gone they are whole again.
        key(&mut app, KeyCode::Char('?'));
        assert_eq!(rec.frame(&mut app, &what("the help over the pictures")), 0);
        key(&mut app, KeyCode::Esc);
        assert_eq!(rec.frame(&mut app, &what("the help closed")), coffee);

        // A cappuccino shows the milk Dropdown; its list has a picture per milk, and the one
        // picked shows in the field.
        key(&mut app, KeyCode::Tab);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Char(' '));
        rec.frame(&mut app, &what("the milk Dropdown"));
        focus(&mut app, Kind::Dropdown);
        key(&mut app, KeyCode::Enter);
        assert_eq!(
            rec.frame(&mut app, &what("the milk list")),
            6 * 6 * 3,
            "{}",
            what("six milks")
        );
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        let picked = rec.frame(&mut app, &what("oat milk picked"));
        assert_eq!(
            picked,
            coffee + 6 * 3,
            "{}",
            what("its picture in the field")
        );
        let form = &app.session().store().expect("a screen").form;
        assert_eq!(form.get("milk"), Some(&json!("oat")));

        // Scrolled: the carousel partly out (half-blocks), the drinks moved.
        key(&mut app, KeyCode::PageDown);
        rec.frame(&mut app, &what("scrolled"));
        key(&mut app, KeyCode::PageUp);
        assert_eq!(rec.frame(&mut app, &what("scrolled back")), picked);

        // Back to the menu: only its pictures remain.
        key(&mut app, KeyCode::Esc);
        assert_eq!(rec.frame(&mut app, &what("back to the menu")), menu);

        // Cells of another size (a font change): pictures are encoded for them.
        let mut rec = Recorder::new(protocol);
        rec.screen.cell = (8, 16);
        assert!(rec.paint.graphics.as_mut().unwrap().set_cell_size(8, 16));
        assert_eq!(rec.frame(&mut app, &what("cells of 8×16 pixels")), menu);
    }
}

/// A cell in the middle of the carousel's picture.
fn carousel_cell(app: &App) -> (u16, u16) {
    let target = target(app, Kind::ImageCarousel);
    let ((x, y, w, h), _) = app
        .drawn
        .hits
        .iter()
        .find(|(_, t)| *t == target)
        .expect("the carousel on screen");
    (x + w / 2, y + h / 2)
}

/// The first component of `kind` on the screen.
fn target(app: &App, kind: Kind) -> Target {
    let view = app.view();
    let item = view
        .items
        .iter()
        .find(|i| i.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} on the screen"));
    Target::Field(item.key.clone())
}

/// Moves the focus to the first component of `kind` (the focus stops at either end).
fn focus(app: &mut App, kind: Kind) {
    let target = target(app, kind);
    for code in [KeyCode::BackTab, KeyCode::Tab] {
        for _ in 0..40 {
            if app.focus.as_ref() == Some(&target) {
                return;
            }
            key(app, code);
        }
    }
    panic!("the {kind:?} takes no focus");
}

fn focus_carousel(app: &mut App) {
    focus(app, Kind::ImageCarousel);
}
