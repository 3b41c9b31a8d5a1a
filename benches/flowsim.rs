//! Criterion benchmarks: parsing (against a bare `serde_json` parse), load+validate, drawing,
//! one engine step, expressions, the endpoint encryption round trip, and the previewer's
//! first frame and reload on a flow at Meta's limits. `cargo bench --bench flowsim`; figures
//! and how to read them are in BENCHMARKS.md.
//!
//! The big flow (100 screens × 50 components, ~2 MB) comes from `gen.rs`; it is also written
//! to `target/bench-flow.json` so that the CLI can be timed on the same file.

#[path = "gen.rs"]
mod bigflow;

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group};
use flowsim::app::input::{KeyCode, KeyEvent, KeyModifiers};
use flowsim::app::keymap::Mode;
use flowsim::app::{App, Event, Finding};
use flowsim::samples::SAMPLES;
use flowsim::ui::{self, Paint, theme::Theme};
use flowsim_core::flow::expr;
use flowsim_core::flow::model::Flow;
use flowsim_core::flow::source::Source;
use flowsim_core::sim::{Input, Session, Start, Tap};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};

/// Where the big flow is written for the CLI timings.
fn big_flow_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-flow.json")
}

/// Writes the big flow next to the build (atomically: other runs may be reading it).
fn write_big_flow(text: &str) {
    let path = big_flow_path();
    let tmp = path.with_extension(format!("json.{}", std::process::id()));
    std::fs::write(&tmp, text).expect("target/ is writable");
    std::fs::rename(&tmp, &path).expect("target/ is writable");
}

fn welcome_text() -> &'static str {
    SAMPLES
        .iter()
        .find(|s| s.file == "welcome.json")
        .expect("the welcome sample is bundled")
        .text
}

fn load(name: &str, text: &str) -> Arc<Flow> {
    let checked = flowsim_core::validate::check(&Source::new(name, text));
    assert!(!checked.has_errors(), "{name} validates clean");
    Arc::new(checked.flow.expect("a flow"))
}

fn session_on(flow: &Arc<Flow>, screen: Option<String>) -> Session {
    let mut s = Session::new(Arc::clone(flow), "flowsim");
    s.update(Input::Start(Start::Navigate { screen, data: None }));
    s
}

fn set(s: &mut Session, name: &str, value: Value) {
    s.update(Input::Set {
        name: name.into(),
        value,
    });
}

/// The Footer of `ready` leads to `to` (checked once, outside the measurement).
fn assert_navigates(ready: &Session, to: &str) {
    let mut s = ready.clone();
    s.update(Input::Tap(Tap::Footer));
    assert_eq!(s.current(), Some(to), "{:?}", s.events.last());
}

fn new_app(flow: &Arc<Flow>, findings: Vec<Finding>, screen: Option<String>) -> App {
    let mut app = App::new(
        "bench.json",
        Arc::clone(flow),
        findings,
        Start::Navigate { screen, data: None },
        "flowsim",
    );
    app.boot();
    app
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(100, 40)).expect("a test terminal")
}

/// Draws a frame with `paint`, which the runtime keeps for a whole session: components that
/// did not change since the frame before are not laid out again.
fn draw(terminal: &mut Terminal<TestBackend>, app: &mut App, paint: &Paint) {
    let mut drawn = None;
    terminal
        .draw(|frame| drawn = Some(ui::draw(frame, app, paint)))
        .expect("drawing to a TestBackend cannot fail");
    if let Some(d) = drawn {
        app.drawn = d;
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The spanned parse the validator starts from, next to the floor: `serde_json` parsing the
/// same text into a `Value`, without positions.
fn parse(c: &mut Criterion, big: &str) {
    let mut g = c.benchmark_group("parse");
    g.sample_size(20);
    g.bench_function("big-flow json::parse (spans)", |b| {
        b.iter(|| flowsim_core::flow::json::parse(black_box(big)).expect("JSON"))
    });
    g.bench_function("big-flow serde_json::from_str::<Value>", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(big)).expect("JSON"))
    });
    g.finish();
}

fn validate(c: &mut Criterion, big: &str) {
    let mut g = c.benchmark_group("validate");
    for sample in SAMPLES {
        g.bench_function(sample.file, |b| {
            b.iter(|| {
                flowsim_core::validate::check(&Source::new(sample.file, black_box(sample.text)))
            })
        });
    }
    g.sample_size(20);
    g.bench_function("big-flow (2 MB)", |b| {
        b.iter(|| flowsim_core::validate::check(&Source::new("bench-flow.json", black_box(big))))
    });
    g.finish();
}

fn render(c: &mut Criterion, big: &Arc<Flow>) {
    let welcome = load("welcome.json", welcome_text());
    let last = Some(bigflow::last_screen_id());
    let mut g = c.benchmark_group("render");
    let s = session_on(&welcome, None);
    g.bench_function("render_screen welcome", |b| {
        b.iter(|| {
            ui::render_screen(
                black_box(&s),
                &Theme::DARK,
                &Default::default(),
                Some(44),
                None,
                true,
            )
        })
    });
    let s = session_on(big, last.clone());
    g.bench_function("render_screen big-flow last screen", |b| {
        b.iter(|| {
            ui::render_screen(
                black_box(&s),
                &Theme::DARK,
                &Default::default(),
                Some(44),
                None,
                true,
            )
        })
    });
    for (name, flow, screen) in [
        ("draw welcome", &welcome, None),
        ("draw big-flow last screen", big, last.clone()),
    ] {
        let mut app = new_app(flow, Vec::new(), screen);
        let mut t = terminal();
        // Laid out afresh each time, as the first frame of a screen is.
        g.bench_function(name, |b| {
            b.iter(|| draw(&mut t, &mut app, &Theme::DARK.into()))
        });
    }
    g.finish();
}

fn engine(c: &mut Criterion, big: &Arc<Flow>) {
    let welcome = load("welcome.json", welcome_text());
    let mut g = c.benchmark_group("engine");

    let mut s = session_on(&welcome, None);
    let mut i = 0u32;
    g.bench_function("set text welcome", |b| {
        b.iter(|| {
            i += 1;
            s.update(Input::Set {
                name: "name".into(),
                value: json!(if i.is_multiple_of(2) { "Ada" } else { "Grace" }),
            })
        })
    });
    let mut s = session_on(big, None);
    g.bench_function("set text big-flow", |b| {
        b.iter(|| {
            i += 1;
            s.update(Input::Set {
                name: "full_name".into(),
                value: json!(if i.is_multiple_of(2) { "Ada" } else { "Grace" }),
            })
        })
    });

    let mut ready = session_on(&welcome, None);
    set(&mut ready, "name", json!("Ada"));
    set(&mut ready, "role", json!("developer"));
    assert_navigates(&ready, "INTERESTS");
    g.bench_function("footer navigate welcome", |b| {
        b.iter_batched(
            || ready.clone(),
            |mut s| {
                let effects = s.update(Input::Tap(Tap::Footer));
                (s, effects)
            },
            BatchSize::SmallInput,
        )
    });
    let mut ready = session_on(big, None);
    set(&mut ready, "plan", json!("basic"));
    set(&mut ready, "city", json!("lisbon"));
    set(&mut ready, "terms", json!(true));
    assert_navigates(&ready, &bigflow::screen_id(1));
    g.bench_function("footer navigate big-flow", |b| {
        b.iter_batched(
            || ready.clone(),
            |mut s| {
                let effects = s.update(Input::Tap(Tap::Footer));
                (s, effects)
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn expressions(c: &mut Criterion) {
    let values = json!({ "name": "Ada", "qty": "3", "price": 12.5, "age": "36", "vip": true });
    let lookup = |r: &expr::Ref| values.get(r.path.first()?).cloned();
    let nested = "`'Total for ' ${form.name} ': ' (${data.price} * ${form.qty} + 4.5) ' EUR'`";
    let condition = "(${form.age} >= 18) && (${form.name} != '' || ${data.vip})";
    assert!(expr::parse_nested(nested).is_ok() && expr::parse_condition(condition).is_ok());
    let mut g = c.benchmark_group("expr");
    g.bench_function("parse+eval nested", |b| {
        b.iter(|| {
            let e = expr::parse_nested(black_box(nested)).expect("parses");
            expr::eval(&e, &lookup)
        })
    });
    g.bench_function("parse+eval condition", |b| {
        b.iter(|| {
            let e = expr::parse_condition(black_box(condition)).expect("parses");
            expr::eval(&e, &lookup)
        })
    });
    g.bench_function("classify binding", |b| {
        b.iter(|| expr::classify(black_box("${screen.STEP_AA.form.full_name}")))
    });
    g.finish();
}

fn crypto(c: &mut Criterion) {
    use flowsim_endpoint::{crypto, keys};
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("test keys");
    let public = keys::public_key_from_pem(&read("public.pem")).expect("public key");
    let private = keys::private_key_from_pem(&read("private.pem"), None).expect("private key");
    let request = json!({
        "data": { "name": "Ada", "plan": "pro", "topics": ["news", "events"] },
        "flow_token": "flowsim",
        "screen": "START",
        "action": "data_exchange",
        "version": "3.0",
    })
    .to_string();
    let response = json!({ "screen": "NEXT", "data": { "greeting": "Hello Ada" } }).to_string();
    let mut g = c.benchmark_group("crypto");
    g.bench_function("round trip (RSA-2048 + AES-GCM)", |b| {
        b.iter(|| {
            let sealed = crypto::seal_request(&public, request.as_bytes()).expect("seals");
            let opened = crypto::open_request(&private, &sealed.body).expect("opens");
            let body = crypto::seal_response(&opened.key, &opened.iv, response.as_bytes());
            crypto::open_response(&sealed.key, &sealed.iv, &body).expect("decrypts")
        })
    });
    g.finish();
}

fn preview(c: &mut Criterion, big: &Arc<Flow>) {
    let path = big_flow_path();
    let (flow, findings) = flowsim::tui::read_flow(&path).expect("the big flow loads");
    let mut g = c.benchmark_group("preview");
    g.sample_size(20);
    g.bench_function("big-flow first frame (App::new+boot+draw)", |b| {
        b.iter(|| {
            let mut app = new_app(big, findings.clone(), None);
            let mut t = terminal();
            draw(&mut t, &mut app, &Theme::DARK.into());
            app
        })
    });
    g.bench_function("big-flow first frame incl. read+validate", |b| {
        b.iter(|| {
            let (flow, findings) = flowsim::tui::read_flow(&path).expect("loads");
            let mut app = new_app(&flow, findings, None);
            let mut t = terminal();
            draw(&mut t, &mut app, &Theme::DARK.into());
            app
        })
    });
    let mut app = new_app(&flow, findings, None);
    let mut t = terminal();
    let paint: Paint = Theme::DARK.into();
    draw(&mut t, &mut app, &paint);
    g.bench_function("big-flow reload (read_flow+Reload+draw)", |b| {
        b.iter(|| {
            let loaded = flowsim::tui::read_flow(&path);
            app.handle(Event::Reload(loaded));
            draw(&mut t, &mut app, &paint);
        })
    });
    g.sample_size(100);
    for (name, flow) in [
        ("welcome", load("welcome.json", welcome_text())),
        ("big-flow", Arc::clone(big)),
    ] {
        let mut app = new_app(&flow, Vec::new(), None);
        let mut t = terminal();
        let paint: Paint = Theme::DARK.into();
        draw(&mut t, &mut app, &paint);
        assert_eq!(app.mode(), Mode::Text, "a text field has the focus");
        g.bench_function(format!("keystroke+draw pair {name}"), |b| {
            b.iter(|| {
                app.handle(key(KeyCode::Char('x')));
                draw(&mut t, &mut app, &paint);
                app.handle(key(KeyCode::Backspace));
                draw(&mut t, &mut app, &paint);
            })
        });
    }
    g.finish();
}

fn all(c: &mut Criterion) {
    let text = bigflow::big_flow();
    write_big_flow(&text);
    let big = load("bench-flow.json", &text);
    parse(c, &text);
    validate(c, &text);
    render(c, &big);
    engine(c, &big);
    expressions(c);
    crypto(c);
    preview(c, &big);
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = all
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
