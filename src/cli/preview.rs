use std::io::IsTerminal;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::endpoint::EndpointArgs;
use super::exit;
use crate::config::Config;
use crate::tui::{self, FlowSource, Options};
use crate::ui::device::{Device, Look};
use crate::ui::text::{Bidi, Dir, Layout};
use crate::ui::theme::Theme;
use flowsim_core::sim::Start;
use flowsim_core::sim::mock::Mock;

pub const AFTER_HELP: &str = "\
Examples:
  flowsim                                   pick one of the bundled sample flows
  flowsim flow.json                         preview a flow; it reloads when you save
  flowsim flow.json --screen DETAILS --data '{\"name\": \"Ada\"}'
  flowsim endpoint_flow.json --mock answers.json --flow-action data_exchange
  flowsim flow.json --device small --dir rtl    a small phone whose language is right-to-left

Press ? in the preview for every key. Defaults for the theme, phone and keys come from
the config file (README, \"Configuration\"); completions: flowsim completions SHELL.";

#[derive(Debug, Clone, clap::Args, Default)]
pub struct Args {
    /// The Flow JSON file (none: choose a bundled sample).
    #[arg(value_name = "FLOW")]
    pub flow: Option<PathBuf>,
    /// Screen to open (default: the first entry screen).
    #[arg(long, value_name = "ID")]
    pub screen: Option<String>,
    /// Data for the first screen: JSON, or @file (default: its __example__ data).
    #[arg(long, value_name = "JSON|@FILE")]
    pub data: Option<String>,
    /// Flow token sent with every request and in the completion.
    #[arg(long, value_name = "TOKEN", default_value = "flowsim")]
    pub flow_token: String,
    /// How the flow opens: `navigate` (no request) or `data_exchange` (INIT).
    #[arg(long, value_enum, default_value_t = FlowAction::Navigate)]
    pub flow_action: FlowAction,
    /// Answer endpoint requests from this mock file (see README, "Mock files").
    #[arg(long, value_name = "FILE")]
    pub mock: Option<PathBuf>,
    /// Colours: WhatsApp's light or dark look; auto follows the terminal (COLORFGBG)
    /// [default: auto, or the config file's]
    #[arg(long, value_enum)]
    pub theme: Option<ThemeChoice>,
    #[command(flatten)]
    pub phone: PhoneArgs,
    #[command(flatten)]
    pub endpoint: EndpointArgs,
}

/// The phone being previewed, for the preview and `flowsim render`. Each option overrides the
/// config file, which overrides the default.
#[derive(Debug, Clone, clap::Args, Default)]
pub struct PhoneArgs {
    /// Phone size: small (320 px, 36 columns), android (360 px, 44), iphone (390 px, 47), meta
    /// (Meta's web preview, 430 px, 50) [default: android]
    #[arg(long, value_enum)]
    pub device: Option<Device>,
    /// The phone's font set large: text wraps as at Android's 1.3× font scale
    #[arg(long)]
    pub large_font: bool,
    /// The direction of the phone's language: rtl mirrors the close button, the menu, the side
    /// of radio and check controls and the caption sides [default: ltr]
    #[arg(long, value_enum)]
    pub dir: Option<Dir>,
    /// Who puts right-to-left text in display order: flowsim (for terminals that do not
    /// reorder, most; the preview also asks VTE terminals and mintty not to) or the terminal
    /// (Konsole, mlterm) [default: flowsim]
    #[arg(long, value_enum)]
    pub bidi: Option<Bidi>,
    /// Show the warning banner that flows sent as drafts carry
    #[arg(long)]
    pub draft: bool,
}

impl PhoneArgs {
    /// The phone: these options over the config file over the defaults.
    pub fn look(&self, config: &Config) -> Look {
        Look {
            device: self.device.or(config.device).unwrap_or_default(),
            large_font: self.large_font || config.large_font.unwrap_or(false),
            layout: Layout {
                ui: self.dir.or(config.dir).unwrap_or_default(),
                bidi: self.bidi.or(config.bidi).unwrap_or_default(),
            },
            draft: self.draft,
        }
    }
}

/// `flow_action` of the flow message, spelt as Meta and scenario files spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum FlowAction {
    #[default]
    Navigate,
    #[value(name = "data_exchange", alias = "data-exchange")]
    DataExchange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeChoice {
    #[default]
    Auto,
    Light,
    Dark,
}

impl ThemeChoice {
    pub fn theme(self) -> Theme {
        match self {
            ThemeChoice::Light => Theme::LIGHT,
            ThemeChoice::Dark => Theme::DARK,
            // COLORFGBG is "fg;bg"; a background of 7 or 15 (white) means a light terminal.
            ThemeChoice::Auto => match std::env::var("COLORFGBG")
                .ok()
                .and_then(|v| v.rsplit(';').next().map(str::to_string))
            {
                Some(bg) if bg == "7" || bg == "15" => Theme::LIGHT,
                _ => Theme::DARK,
            },
        }
    }
}

/// `--data`: inline JSON or `@file`.
pub fn parse_data(arg: &str) -> Result<Map<String, Value>, String> {
    parse_object("--data", arg)
}

/// An option taking a JSON object, inline or `@file`; errors name the option.
pub fn parse_object(option: &str, arg: &str) -> Result<Map<String, Value>, String> {
    let text = match arg.strip_prefix('@') {
        Some(path) => crate::load::read_text(std::path::Path::new(path))
            .map_err(|e| format!("{option} {e}"))?,
        None => arg.to_string(),
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(format!("{option} must be a JSON object")),
        Err(e) => Err(format!("{option} is not valid JSON: {e}")),
    }
}

pub fn load_mock(path: &std::path::Path) -> Result<Mock, String> {
    let text = crate::load::read_text(path)?;
    Mock::parse(&text).map_err(|e| format!("{}: not a valid mock file: {e}", path.display()))
}

pub fn start(args: &Args) -> Result<Start, String> {
    Ok(match args.flow_action {
        FlowAction::DataExchange => Start::DataExchange,
        FlowAction::Navigate => Start::Navigate {
            screen: args.screen.clone(),
            data: args.data.as_deref().map(parse_data).transpose()?,
        },
    })
}

pub fn run(args: &Args) -> u8 {
    let config = match crate::config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: config file: {e}");
            return exit::USAGE;
        }
    };
    let source = match &args.flow {
        Some(path) => match std::fs::metadata(path) {
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                return exit::USAGE;
            }
            Ok(meta) if meta.is_dir() => {
                eprintln!(
                    "error: {}: is a directory, not a Flow JSON file",
                    path.display()
                );
                return exit::USAGE;
            }
            Ok(_) => match tui::read_flow(path) {
                Ok((flow, findings)) => FlowSource::File {
                    path: path.clone(),
                    flow,
                    findings,
                },
                Err(findings) => {
                    // Not a flow at all: say why before the screen switches.
                    for f in &findings {
                        eprintln!("{}: {}: {}", f.location, f.code, f.message);
                    }
                    return exit::INVALID;
                }
            },
        },
        None => FlowSource::Samples,
    };
    if let (FlowSource::File { path, flow, .. }, Some(screen)) = (&source, &args.screen)
        && flow.screen(screen).is_none()
    {
        eprintln!("error: {} has no screen `{screen}`", path.display());
        return exit::USAGE;
    }
    let options = (|| -> Result<Options, String> {
        Ok(Options {
            source,
            start: start(args)?,
            flow_token: args.flow_token.clone(),
            mock: args.mock.as_deref().map(load_mock).transpose()?,
            endpoint: args.endpoint.clone(),
            theme: args.theme.or(config.theme).unwrap_or_default().theme(),
            look: args.phone.look(&config),
            keymap: config.keymap.clone(),
        })
    })();
    // Check the endpoint options before the screen switches, so a mistake is read in the
    // shell, not after the preview.
    let options = match options.and_then(|o| o.endpoint.source(o.mock.clone()).map(|_| o)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "error: the preview needs an interactive terminal; for text output use `flowsim render`, \
             to check a flow `flowsim validate`, to run one in CI `flowsim test`"
        );
        return exit::USAGE;
    }
    match tui::run(options) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: {e}");
            exit::USAGE
        }
    }
}
