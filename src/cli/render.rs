use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use super::preview::{PhoneArgs, parse_data};
use super::{Color, exit, svg};
use crate::load::{self, LoadError};
use crate::report;
use crate::ui;
use crate::ui::theme::ThemeChoice;
use flowsim_core::sim::{Input, Session, Start};
use flowsim_core::validate::check;

pub const AFTER_HELP: &str = "\
Examples:
  flowsim render flow.json                      the first screen, as text
  flowsim render flow.json --screen SUMMARY --data '{\"total\": 42}'
  flowsim render flow.json --width 36 --height 30 --color always
  flowsim render flow.json --device small --dir rtl --draft
  flowsim render flow.json --format svg > screen.svg
  flowsim render flow.json --format svg --out-dir pictures/     every screen, one file each

Prints exactly what the preview shows for that screen (the whole scrollable screen when no
height is given). Pictures appear as [image: alt-text] without colour. SVG is the same
drawing, cell by cell, in a phone frame with the theme's colours and a monospace font.
Exit codes: 0 printed, 1 the flow cannot be loaded, 2 usage or I/O error (unknown screen,
bad data, a folder that cannot be written).";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Flow JSON file.
    #[arg(value_name = "FLOW")]
    pub flow: PathBuf,
    /// Screen to draw (default: the first entry screen).
    #[arg(long, value_name = "ID")]
    pub screen: Option<String>,
    /// The screen's data: JSON, or @file (default: its __example__ data).
    #[arg(long, value_name = "JSON|@FILE")]
    pub data: Option<String>,
    /// Width of the phone in cells [default: the device's]
    #[arg(long, value_parser = clap::value_parser!(u16).range(30..=400))]
    pub width: Option<u16>,
    /// Height in rows (default: tall enough for the whole screen).
    #[arg(long, value_parser = clap::value_parser!(u16).range(8..=2000))]
    pub height: Option<u16>,
    /// Colours (ANSI) in the output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Light or dark look for coloured output [default: auto, or the config file's]
    #[arg(long, value_enum)]
    pub theme: Option<ThemeChoice>,
    #[command(flatten)]
    pub phone: PhoneArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RenderFormat::Text)]
    pub format: RenderFormat,
    /// Draw every screen (with its example data) into this folder, one file per screen.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["screen", "data"])]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RenderFormat {
    /// Text, with ANSI colours when --color says so.
    Text,
    /// An SVG picture.
    Svg,
}

pub fn run(args: &Args) -> u8 {
    let config = match crate::config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: config file: {e}");
            return exit::USAGE;
        }
    };
    let source = match load::read(&args.flow) {
        Ok(s) => s,
        Err(LoadError::Io(m)) => {
            eprintln!("error: {m}");
            return exit::USAGE;
        }
        Err(LoadError::Invalid(b)) => {
            eprint!("{}", report::human(&b.0, &[b.1], false));
            return exit::INVALID;
        }
    };
    let checked = check(&source);
    if let Some(d) = checked.version_state() {
        eprintln!("{}", report::line(&source, d));
    }
    let Some(flow) = checked.flow else {
        eprint!("{}", report::human(&source, &checked.diagnostics, false));
        return exit::INVALID;
    };
    // The text and the findings are not needed any more: give their memory back before the
    // screen is drawn.
    drop((source, checked.diagnostics));
    if let Some(screen) = &args.screen
        && flow.screen(screen).is_none()
    {
        eprintln!("error: {} has no screen `{screen}`", args.flow.display());
        return exit::USAGE;
    }
    let data = match args.data.as_deref().map(parse_data).transpose() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let flow = Arc::new(flow);
    let color = args.format == RenderFormat::Svg
        || (args.color.enabled(std::io::stdout().is_terminal()) && args.out_dir.is_none());
    let draw = |screen: Option<String>, data| {
        let mut session = Session::new(Arc::clone(&flow), "flowsim");
        session.update(Input::Start(Start::Navigate { screen, data }));
        let theme = args.theme.or(config.theme).unwrap_or_default().theme();
        let look = args.phone.look(&config);
        let buf = ui::render_screen(&session, &theme, &look, args.width, args.height, !color);
        match args.format {
            RenderFormat::Svg => svg::svg(&buf, &theme, &session.view().title),
            RenderFormat::Text if color => ui::to_ansi(&buf),
            RenderFormat::Text => ui::to_text(&buf),
        }
    };
    let Some(dir) = &args.out_dir else {
        let text = draw(args.screen.clone(), data);
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        return exit::OK;
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: {}: cannot create the folder: {e}", dir.display());
        return exit::USAGE;
    }
    let ext = match args.format {
        RenderFormat::Svg => "svg",
        RenderFormat::Text => "txt",
    };
    let mut used: Vec<String> = Vec::new();
    let mut stdout = std::io::stdout().lock();
    for screen in &flow.screens {
        let name = file_name(&screen.id, &used);
        used.push(name.clone());
        let path = dir.join(format!("{name}.{ext}"));
        if let Err(e) = std::fs::write(&path, draw(Some(screen.id.clone()), None)) {
            eprintln!("error: {}: cannot write: {e}", path.display());
            return exit::USAGE;
        }
        let _ = writeln!(stdout, "{}", path.display());
    }
    exit::OK
}

/// A file name for a screen id: letters, digits, `_` and `-` kept, anything else `_`, and a
/// number added when two screens would share a name.
fn file_name(id: &str, used: &[String]) -> String {
    let mut base: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if base.is_empty() {
        base = "screen".into();
    }
    let mut name = base.clone();
    let mut n = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}
