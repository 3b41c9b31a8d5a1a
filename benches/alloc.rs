//! Allocations on the keystroke-to-frame path: one typed character through
//! `App::handle(Event::Key(..))` and `ui::draw` on a TestBackend, counted by a
//! `#[global_allocator]` wrapper. `cargo bench --bench alloc` prints a table; the figures are
//! in BENCHMARKS.md.
//!
//! Its own binary: the counting allocator must not slow down the timing benches.

#[allow(dead_code)] // only the flow itself is used here
#[path = "gen.rs"]
mod bigflow;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use flowsim::app::input::{KeyCode, KeyEvent, KeyModifiers};
use flowsim::app::keymap::Mode;
use flowsim::app::{App, Event};
use flowsim::ui::{self, Paint, theme::Theme};
use flowsim_core::flow::model::Flow;
use flowsim_core::flow::source::Source;
use flowsim_core::sim::{Input, Session, Start};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The system allocator, counting allocations (`alloc` and `realloc`) and the bytes asked for.
struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size as u64, Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and bytes allocated while `f` runs.
fn count(f: impl FnOnce()) -> (u64, u64) {
    let (a, b) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    f();
    (ALLOCS.load(Relaxed) - a, BYTES.load(Relaxed) - b)
}

fn load(name: &str, text: &str) -> Arc<Flow> {
    let checked = flowsim_core::validate::check(&Source::new(name, text));
    assert!(!checked.has_errors(), "{name} validates clean");
    Arc::new(checked.flow.expect("a flow"))
}

/// Draws a frame with `paint`, kept for the whole session as the runtime keeps it.
fn draw(terminal: &mut Terminal<TestBackend>, app: &mut App, paint: &Paint) {
    let mut drawn = None;
    terminal
        .draw(|frame| drawn = Some(ui::draw(frame, app, paint)))
        .expect("drawing to a TestBackend cannot fail");
    if let Some(d) = drawn {
        app.drawn = d;
    }
}

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// One typed character, then its frame, after the editor is already open (the steady state
/// of typing): (handle allocations, handle bytes, draw allocations, draw bytes).
fn keystroke(flow: &Arc<Flow>) -> [(u64, u64); 2] {
    let mut app = App::new(
        "bench.json",
        Arc::clone(flow),
        Vec::new(),
        Start::Navigate {
            screen: None,
            data: None,
        },
        "flowsim",
    );
    app.boot();
    let mut terminal = Terminal::new(TestBackend::new(100, 40)).expect("a test terminal");
    let paint: Paint = Theme::DARK.into();
    draw(&mut terminal, &mut app, &paint);
    assert_eq!(app.mode(), Mode::Text, "a text field has the focus");
    app.handle(key('a'));
    draw(&mut terminal, &mut app, &paint);
    let handle = count(|| {
        app.handle(key('b'));
    });
    let frame = count(|| draw(&mut terminal, &mut app, &paint));
    [handle, frame]
}

fn main() {
    let welcome = flowsim::samples::SAMPLES
        .iter()
        .find(|s| s.file == "welcome.json")
        .expect("the welcome sample is bundled");
    let flows = [
        ("welcome.json", load("welcome.json", welcome.text)),
        (
            "big flow (50 components)",
            load("bench-flow.json", &bigflow::big_flow()),
        ),
    ];
    println!(
        "{:<26} {:>14} {:>12} {:>14} {:>12} {:>14} {:>12}",
        "one keystroke", "handle allocs", "bytes", "draw allocs", "bytes", "total allocs", "bytes"
    );
    for (name, flow) in &flows {
        let [(ha, hb), (da, db)] = keystroke(flow);
        println!(
            "{name:<26} {ha:>14} {hb:>12} {da:>14} {db:>12} {:>14} {:>12}",
            ha + da,
            hb + db
        );
    }
    println!();
    println!(
        "{:<26} {:>14} {:>12}",
        "one Session::view()", "allocs", "bytes"
    );
    for (name, flow) in &flows {
        let mut session = Session::new(Arc::clone(flow), "flowsim");
        session.update(Input::Start(Start::Navigate {
            screen: None,
            data: None,
        }));
        let (a, b) = count(|| {
            std::hint::black_box(session.view());
        });
        println!("{name:<26} {a:>14} {b:>12}");
    }
}
