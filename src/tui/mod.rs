//! The terminal runtime: the only place that touches the terminal. It restores the terminal
//! on every exit path (quit, error, panic, SIGTERM), feeds terminal input, file changes and
//! endpoint answers into one event channel, runs the app's commands and redraws.

mod input;
mod watch;

use std::io::Stdout;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event as TermEvent, EventStream, KeyCode, KeyEventKind, KeyModifiers,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::app::{App, Command, Event, Finding};
use crate::samples::{SAMPLES, Sample};
use crate::ui::Paint;
use crate::ui::theme::Theme;
use flowsim_core::drive::Driver;
use flowsim_core::flow::model::Flow;
use flowsim_core::flow::source::Source;
use flowsim_core::scenario::PickError;
use flowsim_core::sim::Start;
use flowsim_core::sim::mock::Mock;
use flowsim_core::validate::check;
use flowsim_endpoint::Answerer;
use flowsim_endpoint::cdn::Cdn;

/// Where the flow comes from.
pub enum FlowSource {
    /// A flow file, already loaded once (so problems are reported before the screen
    /// switches), with its findings.
    File {
        path: PathBuf,
        flow: Arc<Flow>,
        findings: Vec<Finding>,
    },
    /// Pick one of the bundled samples.
    Samples,
}

/// What `flowsim` / `flowsim preview` was asked to do.
pub struct Options {
    pub source: FlowSource,
    pub start: Start,
    pub flow_token: String,
    pub mock: Option<Mock>,
    /// How to reach a real endpoint, record or replay, and where completions go.
    pub endpoint: crate::endpoint::EndpointConfig,
    pub theme: Theme,
    /// The phone's size, font, direction and draft banner.
    pub look: crate::app::device::Look,
    /// The keys in effect.
    pub keymap: crate::app::keymap::Keymap,
}

type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped; installs a panic hook that restores it first.
struct Guard;

/// flowsim put the terminal's bidi support in explicit mode and must put it back.
static EXPLICIT_BIDI: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl Guard {
    /// `explicit_bidi`: flowsim orders right-to-left text itself, so a terminal that reorders
    /// (VTE, mintty) is asked not to, with ECMA-48's BDSM reset `CSI 8 l`, as the terminal
    /// working group's bidi recommendation asks of such applications; it is set again (`CSI 8
    /// h`, the default) on exit. Terminals without bidi ignore both.
    fn enter(explicit_bidi: bool) -> std::io::Result<Guard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        enable_raw_mode()?;
        let guard = Guard;
        execute!(
            std::io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        )?;
        if explicit_bidi {
            use std::io::Write;
            EXPLICIT_BIDI.store(true, std::sync::atomic::Ordering::SeqCst);
            let mut out = std::io::stdout();
            out.write_all(b"\x1b[8l")?;
            out.flush()?;
        }
        Ok(guard)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves the alternate screen and raw mode; safe to call more than once.
fn restore() {
    if EXPLICIT_BIDI.swap(false, std::sync::atomic::Ordering::SeqCst) {
        use std::io::Write;
        let mut out = std::io::stdout();
        let _ = out.write_all(b"\x1b[8h");
        let _ = out.flush();
    }
    let _ = execute!(
        std::io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Runs the interactive previewer until the user quits. Returns an error message when the
/// terminal cannot be used.
pub fn run(options: Options) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let explicit = options.look.layout.bidi == crate::ui::text::Bidi::Flowsim;
        let _guard = Guard::enter(explicit).map_err(|e| format!("cannot use the terminal: {e}"))?;
        let mut terminal =
            Terminal::new(CrosstermBackend::new(std::io::stdout())).map_err(|e| e.to_string())?;
        // Ask the terminal about graphics before anything else reads its input, but only a
        // terminal known to draw pictures: one that does not answer the query would leave the
        // query reading (and eating) the first keys typed.
        let picker = graphics_terminal()
            .then(ratatui_image::picker::Picker::from_query_stdio)
            .and_then(Result::ok);
        let mut events = EventStream::new();
        match &options.source {
            FlowSource::File {
                path,
                flow,
                findings,
            } => {
                run_app(
                    &mut terminal,
                    &mut events,
                    &options,
                    path.display().to_string(),
                    Arc::clone(flow),
                    findings.clone(),
                    Some(path.clone()),
                    options.mock.clone(),
                    picker.clone(),
                )
                .await?;
            }
            FlowSource::Samples => loop {
                let Some(sample) = pick(&mut terminal, &mut events).await? else {
                    break;
                };
                let source = Source::new(sample.file, sample.text);
                let checked = check(&source);
                let Some(flow) = checked.flow else { continue };
                let findings = Finding::from_diagnostics(&source, &checked.diagnostics);
                let mock = sample
                    .mock
                    .and_then(|m| Mock::parse(m).ok())
                    .or_else(|| options.mock.clone());
                let exit = run_app(
                    &mut terminal,
                    &mut events,
                    &options,
                    sample.file.to_string(),
                    Arc::new(flow),
                    findings,
                    None,
                    mock,
                    picker.clone(),
                )
                .await?;
                if exit {
                    break;
                }
            },
        }
        Ok(())
    })
}

/// Whether the terminal is one that draws pictures (kitty, WezTerm, iTerm2, Ghostty, foot,
/// Konsole), or the user asked with FLOWSIM_GRAPHICS=1 (FLOWSIM_GRAPHICS=0 turns it off).
fn graphics_terminal() -> bool {
    let var = |k: &str| std::env::var(k).unwrap_or_default().to_lowercase();
    match var("FLOWSIM_GRAPHICS").as_str() {
        "1" | "yes" | "on" => return true,
        "0" | "no" | "off" => return false,
        _ => {}
    }
    let term = var("TERM");
    let program = var("TERM_PROGRAM");
    std::env::var_os("KITTY_WINDOW_ID").is_some()
        || std::env::var_os("KONSOLE_VERSION").is_some()
        || ["kitty", "ghostty", "foot", "wezterm"]
            .iter()
            .any(|t| term.contains(t))
        || ["iterm.app", "wezterm", "ghostty", "kitty"]
            .iter()
            .any(|p| program == *p)
}

/// The flow and its findings, or (when it cannot be shown: not JSON, or invalid) the findings.
pub fn read_flow(path: &std::path::Path) -> Result<(Arc<Flow>, Vec<Finding>), Vec<Finding>> {
    let source = match crate::load::read(path) {
        Ok(s) => s,
        Err(crate::load::LoadError::Io(message)) => {
            return Err(vec![Finding {
                severity: flowsim_core::diagnostic::Severity::Error,
                code: "IO",
                location: path.display().to_string(),
                path: String::new(),
                message,
            }]);
        }
        Err(crate::load::LoadError::Invalid(b)) => {
            return Err(Finding::from_diagnostics(&b.0, &[b.1]));
        }
    };
    let checked = check(&source);
    let findings = Finding::from_diagnostics(&source, &checked.diagnostics);
    match checked.flow {
        Some(flow) => Ok((Arc::new(flow), findings)),
        None => Err(findings),
    }
}

#[allow(clippy::too_many_arguments)]
async fn run_app(
    terminal: &mut Term,
    events: &mut EventStream,
    options: &Options,
    name: String,
    flow: Arc<Flow>,
    findings: Vec<Finding>,
    watch_path: Option<PathBuf>,
    mock: Option<Mock>,
    picker: Option<ratatui_image::picker::Picker>,
) -> Result<bool, String> {
    let (tx, mut rx) = unbounded_channel::<Event>();
    let _watcher = match &watch_path {
        Some(path) => Some(
            watch::watch(path.clone(), tx.clone())
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let source = options.endpoint.source(mock)?;
    let recorder = options.endpoint.recorder()?;
    // While the flow runs against an endpoint, picked files are served to it encrypted.
    let cdn = match options.endpoint.cdn_config() {
        Some(config) => {
            let (downloads, mut served) = unbounded_channel();
            let cdn = Cdn::start(&config, Some(downloads)).await?;
            let tx = tx.clone();
            tokio::spawn(async move {
                while let Some(d) = served.recv().await {
                    if tx.send(Event::Download(d)).is_err() {
                        break;
                    }
                }
            });
            Some(Arc::new(cdn))
        }
        None => None,
    };
    let driver = Arc::new(tokio::sync::Mutex::new(Driver::new(Answerer::new(
        source, recorder,
    ))));
    let mut app = App::new(
        name,
        flow,
        findings,
        options.start.clone(),
        &options.flow_token,
    );
    app.look = options.look;
    app.keymap = options.keymap.clone();
    let mut paint = Paint {
        theme: options.theme,
        graphics: picker
            .and_then(|p| crate::ui::image::Graphics::new(p, crate::ui::body::bg(&options.theme))),
        layouts: Default::default(),
    };
    let webhook = options.endpoint.webhook()?;
    app.webhook = webhook.as_ref().map(|w| crate::app::WebhookStatus {
        url: w.url.clone(),
        signed: w.signed(),
        sending: false,
        last: None,
    });
    let run = Runner {
        tx: tx.clone(),
        driver,
        cdn,
        webhook,
    };
    let commands = app.boot();
    run.execute(commands);
    #[cfg(unix)]
    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| e.to_string())?;
    loop {
        let mut drawn = None;
        terminal
            .draw(|frame| drawn = Some(crate::ui::draw(frame, &app, &paint)))
            .map_err(|e| e.to_string())?;
        if let Some(d) = drawn {
            app.drawn = d;
        }
        #[cfg(unix)]
        let term = sigterm.recv();
        #[cfg(not(unix))]
        let term = std::future::pending::<Option<()>>();
        let event = tokio::select! {
            Some(Ok(e)) = events.next() => {
                if let TermEvent::Resize(..) = e {
                    follow_cell_size(&mut paint, terminal)?;
                }
                translate(e)
            }
            Some(e) = rx.recv() => Some(e),
            _ = term => return Ok(true),
        };
        let mut batch: Vec<Event> = event.into_iter().collect();
        // Drain what is already waiting (a paste, key repeat, a burst of saves) before the
        // next frame.
        while let Ok(e) = rx.try_recv() {
            batch.push(e);
        }
        for e in batch {
            let commands = app.handle(e);
            if run.execute(commands) {
                return Ok(app.exit || watch_path.is_some());
            }
        }
    }
}

/// Pictures drawn with a graphics protocol are as many pixels as their cells: when the cells
/// change size (a font change resizes the window, not its rows and columns), they are encoded
/// again, and the screen is cleared so no picture of the old size stays on it.
fn follow_cell_size(paint: &mut Paint, terminal: &mut Term) -> Result<(), String> {
    let Some(graphics) = paint.graphics.as_mut() else {
        return Ok(());
    };
    let Ok(size) = crossterm::terminal::window_size() else {
        return Ok(());
    };
    if size.width == 0 || size.height == 0 || size.columns == 0 || size.rows == 0 {
        return Ok(());
    }
    if graphics.set_cell_size(size.width / size.columns, size.height / size.rows) {
        terminal.clear().map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn translate(e: TermEvent) -> Option<Event> {
    match e {
        TermEvent::Key(k) if k.kind != KeyEventKind::Release => Some(Event::Key(input::key(k))),
        TermEvent::Mouse(m) => input::mouse(m).map(Event::Mouse),
        TermEvent::Paste(p) => Some(Event::Paste(p)),
        _ => None,
    }
}

/// Carries out the app's commands off the UI loop.
struct Runner {
    tx: UnboundedSender<Event>,
    /// The one driver, shared with `flowsim test`: requests go out as the session made them
    /// (after a live reload, with the reloaded flow's Data API version and token signing).
    driver: Arc<tokio::sync::Mutex<Driver<Answerer>>>,
    /// The local CDN, while the flow runs against a live endpoint.
    cdn: Option<Arc<Cdn>>,
    /// Where completions are delivered (`--webhook`).
    webhook: Option<crate::endpoint::Webhook>,
}

impl Runner {
    /// Runs commands; returns true when the app quits.
    fn execute(&self, commands: Vec<Command>) -> bool {
        let mut quit = false;
        for c in commands {
            match c {
                Command::Quit => quit = true,
                Command::Request(request) => {
                    let tx = self.tx.clone();
                    let driver = Arc::clone(&self.driver);
                    tokio::spawn(async move {
                        // Offline answers come after a beat too, so the waiting state shows.
                        tokio::time::sleep(Duration::from_millis(80)).await;
                        let delivery = driver.lock().await.deliver(&request).await;
                        let _ = tx.send(Event::Delivered(Box::new(delivery)));
                    });
                }
                Command::PickFile { name, path, rules } => {
                    let tx = self.tx.clone();
                    let cdn = self.cdn.clone();
                    // Reading, hashing and encrypting a file is blocking work.
                    tokio::task::spawn_blocking(move || {
                        let file =
                            crate::files::pick(std::path::Path::new(&path), &rules, cdn.as_deref())
                                .map_err(|e| match e {
                                    PickError::Refused(m) | PickError::Unreadable(m) => m,
                                });
                        let _ = tx.send(Event::File { name, file });
                    });
                }
                Command::NewSession => {
                    if let Some(cdn) = &self.cdn {
                        cdn.clear();
                    }
                }
                Command::Webhook(completion) => {
                    if let Some(webhook) = self.webhook.clone() {
                        let tx = self.tx.clone();
                        tokio::spawn(async move {
                            let delivery = webhook.deliver(&completion).await;
                            let _ = tx.send(Event::Webhook(Box::new(delivery)));
                        });
                    }
                }
            }
        }
        quit
    }
}

/// The sample picker shown by `flowsim` with no arguments. `None` when the user quits.
async fn pick(
    terminal: &mut Term,
    events: &mut EventStream,
) -> Result<Option<&'static Sample>, String> {
    let mut cursor = 0usize;
    loop {
        let mut rows = None;
        terminal
            .draw(|f| rows = Some(crate::ui::picker(f, cursor)))
            .map_err(|e| e.to_string())?;
        let Some(Ok(e)) = events.next().await else {
            return Ok(None);
        };
        match e {
            TermEvent::Key(k) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    return Ok(None);
                }
                KeyCode::Char('q') | KeyCode::Esc => return Ok(None),
                KeyCode::Up | KeyCode::BackTab => cursor = cursor.saturating_sub(1),
                KeyCode::Down | KeyCode::Tab => cursor = (cursor + 1).min(SAMPLES.len() - 1),
                KeyCode::Enter => return Ok(Some(&SAMPLES[cursor])),
                _ => {}
            },
            TermEvent::Mouse(m) if matches!(m.kind, crossterm::event::MouseEventKind::Down(_)) => {
                if let Some(i) =
                    rows.and_then(|(top, _)| (m.row as usize).checked_sub(top as usize))
                    && i < SAMPLES.len()
                {
                    return Ok(Some(&SAMPLES[i]));
                }
            }
            _ => {}
        }
    }
}
