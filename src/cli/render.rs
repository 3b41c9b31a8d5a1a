use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use super::preview::{PhoneArgs, parse_data};
use super::{Color, exit};
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

Prints exactly what the preview shows for that screen (the whole scrollable screen when no
height is given). Pictures appear as [image: alt-text] without colour.
Exit codes: 0 printed, 1 the flow cannot be loaded, 2 usage error (unknown screen, bad data).";

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
    let mut session = Session::new(Arc::new(flow), "flowsim");
    session.update(Input::Start(Start::Navigate {
        screen: args.screen.clone(),
        data,
    }));
    let color = args.color.enabled(std::io::stdout().is_terminal());
    let buf = ui::render_screen(
        &session,
        &args.theme.or(config.theme).unwrap_or_default().theme(),
        &args.phone.look(&config),
        args.width,
        args.height,
        !color,
    );
    let text = if color {
        ui::to_ansi(&buf)
    } else {
        ui::to_text(&buf)
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    exit::OK
}
